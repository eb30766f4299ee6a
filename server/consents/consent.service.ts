import { In, Not } from "typeorm";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { ConflictError, NotFoundError, unlessNotFound } from "../errors.js";
import { AssignmentStatus, CaseEventType, CaseStatus } from "../common/enums.js";
import { requireCountryCode } from "../common/countries.js";
import type { Page } from "../common/paging.js";
import { CaseEntity } from "../cases/case.entity.js";
import { isActive } from "../cases/workflow.js";
import { CONSENT_REVOKED_NOTE, consentCountriesNote } from "../events/event-notes.js";
import { appendEvents, type NewCaseEvent } from "../events/outbox.js";
import { findVisiblePatient } from "../patients/patient.service.js";
import { ConsentEntity } from "./consent.entity.js";
import type { RecordConsentInput } from "./consent.input.js";

/** The patient's non-terminal cases, locked in id order (a stable order avoids deadlocks). */
async function lockOpenCases(manager: import("typeorm").EntityManager, patientId: string): Promise<CaseEntity[]> {
  return manager.find(CaseEntity, {
    where: { patientId, status: Not(In([CaseStatus.CLOSED, CaseStatus.WITHDRAWN])) },
    order: { id: "ASC" },
    lock: { mode: "pessimistic_write" },
  });
}

/** The patient records consent themself; staff record it attesting a form the patient signed. */
export async function recordConsent(ctx: RequestContext, input: RecordConsentInput): Promise<ConsentEntity> {
  const countries = [...new Set(input.destinationCountries.map((c, i) => requireCountryCode(c, `input.destinationCountries.${i}`)))];
  const patient = await findVisiblePatient(ctx, input.patientId);
  const viewer = ctx.viewer!;
  return ctx.db.transaction(async (manager) => {
    // The patient's row serializes their consents: two identical ones recorded at once cannot both pass the check.
    await manager.query(`SELECT 1 FROM patient WHERE id = $1 FOR UPDATE`, [patient.id]);
    const [same] = await manager.query(
      `SELECT 1 FROM consent WHERE patient_id = $1 AND scope = $2 AND revoked_at IS NULL AND destination_countries::text[] @> $3::text[] AND destination_countries::text[] <@ $3::text[] LIMIT 1`,
      [patient.id, input.scope, countries],
    );
    if (same) throw new ConflictError("An active consent with the same scope and countries already exists", "input.destinationCountries");
    const consent = await manager.save(
      manager.create(ConsentEntity, {
        patientId: patient.id,
        scope: input.scope,
        destinationCountries: countries,
        attestedByCoordinator: viewer.patientId !== patient.id,
        recordedByUserId: viewer.userId,
        revokedAt: null,
        revokedByUserId: null,
      }),
    );
    await audit(ctx, { action: "RECORD_CONSENT", objectType: "Consent", objectId: consent.id, patientId: patient.id }, manager);
    const cases = await lockOpenCases(manager, patient.id);
    await appendEvents(manager, viewer.userId, cases.map((c) => ({ caseId: c.id, type: CaseEventType.CONSENT_GRANTED, subjectId: consent.id, note: consentCountriesNote(countries) })));
    return consent;
  });
}

/** Revocation takes effect at once: active cases go ON_HOLD, and every open case hears of it. */
export async function revokeConsent(ctx: RequestContext, id: string): Promise<ConsentEntity> {
  const existing = await ctx.db.getRepository(ConsentEntity).findOneBy({ id });
  if (!existing) throw new NotFoundError("Consent");
  if (!(await unlessNotFound(findVisiblePatient(ctx, existing.patientId)))) throw new NotFoundError("Consent");
  const viewer = ctx.viewer!;
  return ctx.db.transaction(async (manager) => {
    const consent = await manager.findOneOrFail(ConsentEntity, { where: { id }, lock: { mode: "pessimistic_write" } });
    if (consent.revokedAt) return consent;
    const cases = await lockOpenCases(manager, consent.patientId);
    consent.revokedAt = new Date();
    consent.revokedByUserId = viewer.userId;
    await manager.save(consent);
    await audit(ctx, { action: "REVOKE_CONSENT", objectType: "Consent", objectId: id, patientId: consent.patientId }, manager);
    const events: NewCaseEvent[] = [];
    for (const c of cases) {
      events.push({ caseId: c.id, type: CaseEventType.CONSENT_REVOKED, subjectId: id });
      if (isActive(c.status)) {
        await manager.update(CaseEntity, { id: c.id }, { status: CaseStatus.ON_HOLD, heldFrom: c.status, statusSince: consent.revokedAt });
        events.push({ caseId: c.id, type: CaseEventType.STATUS_CHANGED, fromStatus: c.status, toStatus: CaseStatus.ON_HOLD, note: CONSENT_REVOKED_NOTE });
      }
    }
    await appendEvents(manager, viewer.userId, events);
    return consent;
  });
}

/** A page of the patient's consents, newest first. */
export async function consentsOf(ctx: RequestContext, patientId: string, page: Page): Promise<ConsentEntity[]> {
  return ctx.loaders.consentPages.load({ parentId: patientId, page });
}

/** True when the patient's consents cover every accepted reviewer (or, with none yet, some consent is active). */
export async function consentActive(ctx: RequestContext, caseRow: CaseEntity): Promise<boolean> {
  const [covered, assignments] = await Promise.all([
    ctx.loaders.consentCountriesByPatient.load(caseRow.patientId),
    ctx.loaders.assignmentsByCase.load(caseRow.id),
  ]);
  const accepted = assignments.filter((a) => a.status === AssignmentStatus.ACCEPTED || a.status === AssignmentStatus.SUBMITTED);
  if (accepted.length === 0) return covered.length > 0;
  const reviewers = await ctx.loaders.reviewer.loadMany(accepted.map((a) => a.reviewerId));
  return reviewers.every((r) => r && !(r instanceof Error) && covered.includes(r.country));
}
