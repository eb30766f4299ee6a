import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { Role } from "../common/enums.js";
import { likePattern, normaliseEmail, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { requireCountryCode } from "../common/countries.js";
import { conflictOnUnique } from "../db/constraint-errors.js";
import { ReviewerEntity } from "../reviewers/reviewer.entity.js";
import type { ReviewerFilter, ReviewerProfileInput } from "../reviewers/reviewer.input.js";
import type { CreateUserInput } from "./user.input.js";
import { UserEntity } from "./user.entity.js";

export const EMAIL_TAKEN = { uq_app_user_email: { field: "input.email", message: "An account with this email already exists" } };

function reviewerProfile(input: ReviewerProfileInput, field: string) {
  return {
    institution: requireText(input.institution, `${field}.institution`, LIMITS.name),
    country: requireCountryCode(input.country, `${field}.country`),
    specialties: [...new Set(input.specialties.map((s, i) => requireText(s, `${field}.specialties.${i}`, LIMITS.name)))],
    languages: [...new Set(input.languages)],
  };
}

/** Admins create staff and reviewer accounts; the owner sets a password through an invitation. */
export async function createUser(ctx: RequestContext, input: CreateUserInput): Promise<UserEntity> {
  if (input.role === Role.PATIENT) throw new BadUserInputError("input.role", "Patients are created with createPatient");
  if (input.role === Role.REVIEWER && !input.reviewer) throw new BadUserInputError("input.reviewer", "A reviewer needs a reviewer profile");
  if (input.role !== Role.REVIEWER && input.reviewer) throw new BadUserInputError("input.reviewer", "Only reviewers have a reviewer profile");
  const profile = input.reviewer ? reviewerProfile(input.reviewer, "input.reviewer") : null;
  return ctx.db
    .transaction(async (manager) => {
      const user = await manager.save(
        manager.create(UserEntity, {
          email: normaliseEmail(input.email),
          role: input.role,
          displayName: requireText(input.displayName, "input.displayName", LIMITS.name),
          passwordHash: null,
          activated: false,
        }),
      );
      if (profile) await manager.insert(ReviewerEntity, { userId: user.id, ...profile });
      await audit(ctx, { action: "CREATE_USER", objectType: "User", objectId: user.id }, manager);
      return user;
    })
    .catch((error) => conflictOnUnique(error, EMAIL_TAKEN));
}

export async function updateReviewerProfile(ctx: RequestContext, reviewerId: string, input: ReviewerProfileInput): Promise<ReviewerEntity> {
  const profile = reviewerProfile(input, "input");
  return ctx.db.transaction(async (manager) => {
    const reviewer = await manager.findOne(ReviewerEntity, { where: { id: reviewerId }, lock: { mode: "pessimistic_write" } });
    if (!reviewer) throw new NotFoundError("Reviewer");
    Object.assign(reviewer, profile);
    await manager.save(reviewer);
    await audit(ctx, { action: "UPDATE_REVIEWER", objectType: "Reviewer", objectId: reviewerId }, manager);
    return reviewer;
  });
}

export async function listReviewers(ctx: RequestContext, filter: ReviewerFilter | null | undefined): Promise<ReviewerEntity[]> {
  const query = ctx.db.getRepository(ReviewerEntity).createQueryBuilder("r").innerJoin(UserEntity, "u", "u.id = r.user_id AND u.disabled_at IS NULL");
  if (filter?.specialty) query.andWhere("EXISTS (SELECT 1 FROM unnest(r.specialties) s WHERE s ILIKE :specialty)", { specialty: likePattern(filter.specialty.trim()) });
  if (filter?.language) query.andWhere(":language = ANY(r.languages)", { language: filter.language });
  return query.orderBy("u.display_name", "ASC").getMany();
}
