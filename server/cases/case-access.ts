import type { EntityManager, EntityTarget, ObjectLiteral } from "typeorm";
import { caseView, type CaseFacts, type CaseView } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError, NotFoundError, UnauthenticatedError } from "../errors.js";
import { CaseStatus, Role } from "../common/enums.js";
import { activeConsentCountries } from "../consents/consent-coverage.js";
import { ReviewAssignmentEntity } from "../reviews/review-assignment.entity.js";
import { CaseEntity } from "./case.entity.js";
import { isTerminal } from "./workflow.js";

/**
 * Authorization in the data layer: every read or write of a case starts here, and a
 * case the viewer may not see is reported exactly like a missing one.
 */

export interface VisibleCase {
  row: CaseEntity;
  view: CaseView;
}

/**
 * Outside a transaction the facts come through the request's loaders (batched);
 * inside one they are read on its own connection, never waiting on the pool.
 */
export async function caseFacts(ctx: RequestContext, row: CaseEntity, manager?: EntityManager): Promise<CaseFacts> {
  const base = { status: row.status, heldFrom: row.heldFrom, patientId: row.patientId, erased: row.erasedAt !== null };
  if (ctx.viewer?.role !== Role.REVIEWER || !ctx.viewer.reviewerId) {
    return { ...base, viewerAssignmentStatus: null, consentCountries: [] };
  }
  if (manager) {
    const assignment = await manager.findOneBy(ReviewAssignmentEntity, { caseId: row.id, reviewerId: ctx.viewer.reviewerId });
    return { ...base, viewerAssignmentStatus: assignment?.status ?? null, consentCountries: await activeConsentCountries(manager, row.patientId) };
  }
  // Without an assignment a reviewer sees nothing, whatever the consent says: it is not read.
  const assignment = await ctx.loaders.viewerAssignmentByCase.load(row.id);
  if (!assignment) return { ...base, viewerAssignmentStatus: null, consentCountries: [] };
  return { ...base, viewerAssignmentStatus: assignment.status, consentCountries: await ctx.loaders.consentCountriesByPatient.load(row.patientId) };
}

export async function viewOfCase(ctx: RequestContext, row: CaseEntity, manager?: EntityManager): Promise<CaseView | null> {
  if (!ctx.viewer) return null;
  return caseView(ctx.viewer, await caseFacts(ctx, row, manager));
}

/** Notes that the viewer read a case's health data (written to the audit trail when the request ends). */
export function noteCaseRead(ctx: RequestContext, row: CaseEntity): void {
  ctx.pendingReads.push({ action: "READ_CASE", objectType: "Case", objectId: row.id, patientId: row.patientId });
}

/** The case as this viewer may see it, or NOT_FOUND. */
export async function findVisibleCase(ctx: RequestContext, id: string): Promise<VisibleCase> {
  if (!ctx.viewer) throw new UnauthenticatedError();
  // A reviewer's own assignment is looked up by the id alongside the case, so that a case they
  // have no assignment on and one that does not exist cost the same statements.
  const [row] = await Promise.all([ctx.loaders.case.load(id), ctx.viewer.role === Role.REVIEWER ? ctx.loaders.viewerAssignmentByCase.load(id) : undefined]);
  const view = row ? await viewOfCase(ctx, row) : null;
  if (!row || !view) throw new NotFoundError("Case");
  return { row, view };
}

/**
 * The case locked for a change (SELECT ... FOR UPDATE inside `manager`'s transaction),
 * checked against the viewer's access again under the lock.
 */
export async function lockVisibleCase(ctx: RequestContext, manager: EntityManager, id: string): Promise<VisibleCase> {
  if (!ctx.viewer) throw new UnauthenticatedError();
  const row = await manager.getRepository(CaseEntity).findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
  if (!row) throw new NotFoundError("Case");
  ctx.loaders.case.clear(id).prime(id, row);
  const view = await viewOfCase(ctx, row, manager);
  if (!view) throw new NotFoundError("Case");
  return { row, view };
}

/**
 * The case locked for a change to its content: visible (else NOT_FOUND) and still open.
 * A closed or withdrawn case takes no more changes (BAD_USER_INPUT on `field`).
 */
export async function lockOpenCase(ctx: RequestContext, manager: EntityManager, id: string, field: string): Promise<VisibleCase> {
  const visible = await lockVisibleCase(ctx, manager, id);
  if (isTerminal(visible.row.status)) {
    throw new BadUserInputError(field, visible.row.status === CaseStatus.WITHDRAWN ? "The case was withdrawn" : "The case is closed");
  }
  return visible;
}

/**
 * A change to something that belongs to a case (a summary, a record, an option): finds
 * it, locks its (open) case, and reads it again under that lock, so concurrent changes
 * to it are serialized and each starts from the current row.
 */
export async function lockOpenCaseOf<T extends ObjectLiteral & { caseId: string }>(
  ctx: RequestContext,
  manager: EntityManager,
  entity: EntityTarget<T>,
  id: string,
  what: string,
): Promise<VisibleCase & { item: T }> {
  const found = await manager.findOneBy(entity, { id } as never);
  if (!found) throw new NotFoundError(what);
  const visible = await lockOpenCase(ctx, manager, found.caseId, "id");
  const item = await manager.findOneOrFail(entity, { where: { id } as never, lock: { mode: "pessimistic_write" } });
  return { ...visible, item };
}
