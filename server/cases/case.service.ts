import { ageBand, canMoveCase } from "../auth/policy.js";
import { open } from "../auth/field-crypto.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ConflictError, ForbiddenError, NotFoundError, TransitionNotAllowedError } from "../errors.js";
import { CaseEventType, CaseStatus } from "../common/enums.js";
import { optionalText, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { appendEvents } from "../events/outbox.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import { deliverOptions } from "../options/option.service.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { CaseEntity } from "./case.entity.js";
import { lockVisibleCase, type VisibleCase } from "./case-access.js";
import { loadGuardFacts } from "./case-guards.js";
import type { OpenCaseInput } from "./case.input.js";
import { isTerminal, planTransition, requiresNote, transitionOptions, type CaseState, type Requirement } from "./workflow.js";
import type { EntityManager } from "typeorm";

export async function openCase(ctx: RequestContext, input: OpenCaseInput): Promise<VisibleCase> {
  const reason = requireText(input.reason, "input.reason", LIMITS.shortText);
  return ctx.db.transaction(async (manager) => {
    // Shared lock: an erasure of this patient (which locks the row for update) commits first, or waits for this case.
    const patient = await manager.findOne(PatientEntity, { where: { id: input.patientId }, lock: { mode: "pessimistic_read" } });
    if (!patient || patient.erasedAt) throw new NotFoundError("Patient");
    const [{ seq }] = await manager.query(`SELECT nextval('medical_case_reference_seq') AS seq`);
    const now = new Date();
    const row = await manager.save(
      manager.create(CaseEntity, {
        reference: `MER-${now.getUTCFullYear()}-${String(seq).padStart(6, "0")}`,
        patientId: patient.id,
        status: CaseStatus.RECORDS_COLLECTION,
        heldFrom: null,
        statusSince: now,
        version: 0,
        reason,
        patientAgeBand: ageBand(open(ctx.runtime.keyRing, patient.dateOfBirthEnc), now),
        openedByUserId: ctx.viewer!.userId,
        updatedAt: now,
      }),
    );
    await audit(ctx, { action: "OPEN_CASE", objectType: "Case", objectId: row.id, patientId: patient.id }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: row.id, type: CaseEventType.CASE_OPENED, toStatus: row.status }]);
    row.version += 1;
    return { row, view: "STAFF" as const };
  });
}

/**
 * Moves a case along the workflow. Order of checks: visible (else NOT_FOUND), allowed
 * to move it (else FORBIDDEN), version current (else CONFLICT), then the edge and its guard.
 */
export async function transitionCase(ctx: RequestContext, id: string, to: CaseStatus, expectedVersion: number, note: string | null | undefined): Promise<VisibleCase> {
  const cleanNote = optionalText(note, "note", LIMITS.shortText);
  const viewer = ctx.viewer!;
  return ctx.db.transaction(async (manager) => {
    const { row, view } = await lockVisibleCase(ctx, manager, id);
    if (!canMoveCase(viewer, view, to)) {
      throw new ForbiddenError(view === "OWNER" ? "Patients may only withdraw their case" : "Only coordinators move cases");
    }
    if (row.version !== expectedVersion) {
      throw new ConflictError(`The case has changed since version ${expectedVersion} (now ${row.version}); reload it`, "expectedVersion");
    }
    const facts = await loadGuardFacts(manager, row.id);
    const plan = planTransition({ status: row.status, heldFrom: row.heldFrom }, to, facts, cleanNote);
    if (!plan.ok) {
      if (plan.reason === "NOTE_REQUIRED") throw new BadUserInputError("note", "Putting a case on hold needs a note saying why");
      const message = plan.reason === "NO_SUCH_EDGE" ? `A case cannot move from ${row.status} to ${to}` : `Moving to ${to} needs: ${plan.missing.join(", ")}`;
      throw new TransitionNotAllowedError(message, plan.missing);
    }
    // Reviewers read the notes of a case's events.
    if (cleanNote) await assertDeidentified(ctx, manager, row.patientId, [["note", cleanNote]]);
    await applyTransition(ctx, manager, row, plan.next, cleanNote);
    return { row, view };
  });
}

/**
 * Writes a planned move of a case locked in `manager`'s transaction: the row, its audit
 * entry and its STATUS_CHANGED event; `row` is updated in place.
 */
export async function applyTransition(ctx: RequestContext, manager: EntityManager, row: CaseEntity, next: CaseState, note: string | null): Promise<void> {
  const now = new Date();
  const from = row.status;
  const optionsDeliveredAt = row.optionsDeliveredAt ?? (next.status === CaseStatus.OPTIONS_DELIVERED ? now : null);
  await manager.update(CaseEntity, { id: row.id }, { status: next.status, heldFrom: next.heldFrom, statusSince: now, optionsDeliveredAt });
  if (next.status === CaseStatus.OPTIONS_DELIVERED && from !== CaseStatus.ON_HOLD) await deliverOptions(manager, row.id, now);
  await audit(ctx, { action: "TRANSITION_CASE", objectType: "Case", objectId: row.id, patientId: row.patientId }, manager);
  await appendEvents(manager, ctx.viewer?.userId ?? null, [{ caseId: row.id, type: CaseEventType.STATUS_CHANGED, fromStatus: from, toStatus: next.status, note }]);
  Object.assign(row, { status: next.status, heldFrom: next.heldFrom, statusSince: now, optionsDeliveredAt, updatedAt: now, version: row.version + 1 });
}

export interface AllowedTransition {
  to: CaseStatus;
  allowed: boolean;
  missing: Requirement[];
  noteRequired: boolean;
}

/**
 * Where this viewer may move the case now, and what each step still lacks: the workflow's
 * edges from the case's status, evaluated on the same guard facts as transitionCase (batched
 * across a list of cases), narrowed to the moves the policy gives the viewer.
 */
export async function allowedTransitions(ctx: RequestContext, visible: VisibleCase): Promise<AllowedTransition[]> {
  const viewer = ctx.viewer!;
  const { row, view } = visible;
  const state = { status: row.status, heldFrom: row.heldFrom };
  // A closed case goes nowhere, and viewers who move nothing (reviewers, admins) cost no query.
  if (isTerminal(row.status) || !(Object.values(CaseStatus) as CaseStatus[]).some((to) => canMoveCase(viewer, view, to))) return [];
  const facts = await ctx.loaders.guardFacts.load(row.id);
  if (!facts) return [];
  return transitionOptions(state, facts)
    .filter((option) => canMoveCase(viewer, view, option.to))
    .map((option) => ({ to: option.to, allowed: option.missing.length === 0, missing: option.missing, noteRequired: requiresNote(option.to) }));
}
