import type { RequestContext } from "../context.js";
import { ForbiddenError } from "../errors.js";
import { Role } from "../common/enums.js";
import { decodeCursor, encodeCursor, requirePageSize, type Page } from "../common/connection.js";
import { isUuid } from "../common/input.js";
import { searchTerms } from "../common/search.js";
import { whereEveryTerm } from "../db/text-search.js";
import { notePatientRead } from "../patients/patient.service.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { UserEntity } from "./user.entity.js";

/**
 * Admins' list of accounts, of one role or all: by part of the display name or email,
 * ignoring case and accents. Newest first, on (created_at, id), which never change.
 * A patient's account carries their name and email: listing it is a read of their identity.
 */
export async function listUsers(ctx: RequestContext, role: Role | null | undefined, search: string | null | undefined, first: number, after: string | null | undefined): Promise<Page<UserEntity>> {
  if (ctx.viewer?.role !== Role.ADMIN) throw new ForbiddenError();
  requirePageSize(first);
  const terms = searchTerms(search, "search");
  const base = ctx.db.getRepository(UserEntity).createQueryBuilder("u");
  if (role) base.andWhere("u.role = :role", { role });
  whereEveryTerm(base, terms, (term) => `u.search_text LIKE ${term}`);
  const page = base.clone().leftJoinAndMapOne("u.patient", PatientEntity, "p", "p.user_id = u.id").orderBy("u.created_at", "DESC").addOrderBy("u.id", "DESC").limit(first + 1);
  if (after) {
    const { id } = decodeCursor(after, { id: isUuid });
    page.andWhere(`(u.created_at, u.id) < (SELECT x.created_at, x.id FROM ${ctx.db.getMetadata(UserEntity).tableName} x WHERE x.id = :cursorId)`, { cursorId: id });
  }
  const [rows, totalCount] = await Promise.all([page.getMany(), base.getCount()]);
  const pageRows = rows.slice(0, first);
  for (const row of pageRows) {
    ctx.loaders.user.prime(row.id, row);
    const patient = (row as UserEntity & { patient?: PatientEntity }).patient;
    if (patient) {
      ctx.loaders.patientByUser.prime(row.id, patient);
      notePatientRead(ctx, patient.id);
    }
  }
  const edges = pageRows.map((row) => ({ cursor: encodeCursor({ id: row.id }), row }));
  return { edges, hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null, totalCount };
}
