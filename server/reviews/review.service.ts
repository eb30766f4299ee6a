import type { EntityManager } from "typeorm";
import { canSeeAssignment, canSeeOpinion, canSeeReviewerAssignments, consentCovers, invitationEnded } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ConflictError, NotFoundError, unlessNotFound } from "../errors.js";
import { AssignmentStatus, CaseEventType, CaseStatus } from "../common/enums.js";
import { optionalText, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import type { Page } from "../common/paging.js";
import { lockOpenCase, lockVisibleCase, type VisibleCase } from "../cases/case-access.js";
import { activeConsentCountries } from "../consents/consent-coverage.js";
import { invitationAnsweredNote, invitedAgainNote } from "../events/event-notes.js";
import { appendEvents } from "../events/outbox.js";
import { ReviewerEntity } from "../reviewers/reviewer.entity.js";
import { ReviewAssignmentEntity } from "./review-assignment.entity.js";

/**
 * Invites a reviewer the patient's consent covers (else BAD_USER_INPUT naming the country:
 * such an invitation could never be answered). A reviewer who declined, or whose invitation
 * was cancelled, is invited again on the same assignment; the case's events keep the history.
 */
export async function inviteReviewer(ctx: RequestContext, caseId: string, reviewerId: string, dueAt: Date | null | undefined): Promise<ReviewAssignmentEntity> {
  if (dueAt && dueAt.getTime() < Date.now()) throw new BadUserInputError("dueAt", "dueAt is in the past");
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow } = await lockOpenCase(ctx, manager, caseId, "caseId");
    const reviewer = await manager.findOneBy(ReviewerEntity, { id: reviewerId });
    if (!reviewer) throw new NotFoundError("Reviewer");
    if (!consentCovers(await activeConsentCountries(manager, caseRow.patientId), reviewer.country)) {
      throw new BadUserInputError("reviewerId", `The patient's consent does not cover ${reviewer.country}, the reviewer's country: record a cross-border consent for ${reviewer.country} first`);
    }
    const existing = await manager.findOne(ReviewAssignmentEntity, { where: { caseId, reviewerId }, lock: { mode: "pessimistic_write" } });
    if (existing && !invitationEnded(existing.status)) throw new ConflictError(`This reviewer is already on this case (${existing.status})`, "reviewerId");
    const previous = existing?.status;
    const fresh = { status: AssignmentStatus.INVITED, invitedAt: new Date(), dueAt: dueAt ?? null, respondedAt: null, declineReason: null };
    const assignment = await manager.save(existing ? Object.assign(existing, fresh) : manager.create(ReviewAssignmentEntity, { caseId, reviewerId, ...fresh }));
    await audit(ctx, { action: previous ? "REINVITE_REVIEWER" : "INVITE_REVIEWER", objectType: "ReviewAssignment", objectId: assignment.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId, type: CaseEventType.REVIEWER_INVITED, subjectId: assignment.id, note: previous ? invitedAgainNote(previous) : null }]);
    return assignment;
  });
}

/** Staff withdraw an invitation not yet answered: the reviewer then sees nothing of the case. */
export async function cancelInvitation(ctx: RequestContext, assignmentId: string): Promise<ReviewAssignmentEntity> {
  return ctx.db.transaction(async (manager) => {
    const found = await manager.findOneBy(ReviewAssignmentEntity, { id: assignmentId });
    if (!found) throw new NotFoundError("ReviewAssignment");
    const { row: caseRow } = await lockOpenCase(ctx, manager, found.caseId, "assignmentId");
    const assignment = await manager.findOneOrFail(ReviewAssignmentEntity, { where: { id: assignmentId }, lock: { mode: "pessimistic_write" } });
    if (assignment.status !== AssignmentStatus.INVITED) throw new ConflictError(`Only an invitation not yet answered can be cancelled (this one is ${assignment.status})`, "assignmentId");
    assignment.status = AssignmentStatus.CANCELLED;
    await manager.save(assignment);
    await audit(ctx, { action: "CANCEL_INVITATION", objectType: "ReviewAssignment", objectId: assignment.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.INVITATION_CANCELLED, subjectId: assignment.id }]);
    return assignment;
  });
}

/** The viewer's own assignment, locked, with its case checked visible to them. */
async function lockOwnAssignment(ctx: RequestContext, manager: EntityManager, assignmentId: string) {
  const assignment = await manager.findOne(ReviewAssignmentEntity, { where: { id: assignmentId }, lock: { mode: "pessimistic_write" } });
  if (!assignment || assignment.reviewerId !== ctx.viewer!.reviewerId) throw new NotFoundError("ReviewAssignment");
  const visible = await unlessNotFound(lockVisibleCase(ctx, manager, assignment.caseId));
  if (!visible) throw new NotFoundError("ReviewAssignment");
  return { assignment, caseRow: visible.row };
}

export async function respondToInvitation(ctx: RequestContext, assignmentId: string, accept: boolean, reason: string | null | undefined): Promise<ReviewAssignmentEntity> {
  const declineReason = optionalText(reason, "reason", LIMITS.shortText);
  return ctx.db.transaction(async (manager) => {
    const { assignment, caseRow } = await lockOwnAssignment(ctx, manager, assignmentId);
    if (assignment.status !== AssignmentStatus.INVITED) throw new ConflictError(`The invitation was already answered (${assignment.status})`);
    assignment.status = accept ? AssignmentStatus.ACCEPTED : AssignmentStatus.DECLINED;
    assignment.respondedAt = new Date();
    assignment.declineReason = accept ? null : declineReason;
    await manager.save(assignment);
    await audit(ctx, { action: accept ? "ACCEPT_INVITATION" : "DECLINE_INVITATION", objectType: "ReviewAssignment", objectId: assignment.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.INVITATION_ANSWERED, subjectId: assignment.id, note: invitationAnsweredNote(accept) }]);
    return assignment;
  });
}

const REVIEW_STATUSES: readonly CaseStatus[] = [CaseStatus.PATHWAY_ASSESSMENT, CaseStatus.OPTION_MAPPING];

export async function submitReview(ctx: RequestContext, assignmentId: string, opinion: string): Promise<ReviewAssignmentEntity> {
  const text = requireText(opinion, "opinion", LIMITS.longText);
  return ctx.db.transaction(async (manager) => {
    const { assignment, caseRow } = await lockOwnAssignment(ctx, manager, assignmentId);
    if (assignment.status !== AssignmentStatus.ACCEPTED) throw new ConflictError(`Only an accepted invitation takes a review (this one is ${assignment.status})`);
    if (!REVIEW_STATUSES.includes(caseRow.status)) throw new BadUserInputError("assignmentId", "Reviews are submitted during pathway assessment");
    Object.assign(assignment, { status: AssignmentStatus.SUBMITTED, opinion: text, submittedAt: new Date() });
    await manager.save(assignment);
    await audit(ctx, { action: "SUBMIT_REVIEW", objectType: "ReviewAssignment", objectId: assignment.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.REVIEW_SUBMITTED, subjectId: assignment.id }]);
    return assignment;
  });
}

/** A reviewer's assignments (optionally of some statuses), for the reviewer and staff; nobody else gets any. */
export async function assignmentsOfReviewer(ctx: RequestContext, reviewerId: string, statuses: AssignmentStatus[] | null, page: Page): Promise<ReviewAssignmentEntity[]> {
  if (!canSeeReviewerAssignments(ctx.viewer, reviewerId)) return [];
  const filter = statuses && statuses.length > 0 ? { sql: "y.status = ANY(:assignmentStatuses)", params: { assignmentStatuses: statuses } } : undefined;
  return ctx.loaders.reviewerAssignmentPages.load({ parentId: reviewerId, page, filter });
}

/** A case's assignments as this view may see them, each with whether its opinion may be read. */
export async function visibleAssignments(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<Array<{ row: ReviewAssignmentEntity; opinionVisible: boolean }>> {
  const viewer = ctx.viewer;
  if (!viewer) return [];
  // canSeeAssignment as SQL: the whole list for staff and accepted reviewers, an invited reviewer's own, the accepted ones for the patient.
  const filter =
    visible.view === "STAFF" || visible.view === "REVIEWER_FULL"
      ? undefined
      : visible.view === "REVIEWER_INVITED"
        ? { sql: "y.reviewer_id = :ownReviewerId", params: { ownReviewerId: viewer.reviewerId } }
        : { sql: "y.status = ANY(:shownStatuses)", params: { shownStatuses: [AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED] } };
  const [rows, own] = await Promise.all([
    ctx.loaders.assignmentPages.load({ parentId: visible.row.id, page, filter }),
    // Only a reviewer's own assignment bears on what they may read.
    viewer.reviewerId ? ctx.loaders.viewerAssignmentByCase.load(visible.row.id) : undefined,
  ]);
  const viewerSubmitted = own?.status === AssignmentStatus.SUBMITTED;
  return rows
    .filter((row) => canSeeAssignment(visible.view, viewer, row))
    .map((row) => ({ row, opinionVisible: canSeeOpinion(visible.view, viewer, row, viewerSubmitted) }));
}
