import type { EntityManager } from "typeorm";
import { accountLimitRowKeys } from "../auth/login-limiter.js";
import { searchTextOf } from "../common/search.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { NotFoundError } from "../errors.js";
import { CaseStatus } from "../common/enums.js";
import { applyTransition } from "../cases/case.service.js";
import { CaseEntity } from "../cases/case.entity.js";
import { isTerminal } from "../cases/workflow.js";
import { BACKUP_ADVISORY_LOCK } from "../db/backup.js";
import { findVisiblePatient } from "../patients/patient.service.js";
import { PatientEntity } from "../patients/patient.entity.js";
import type { StoredDocument } from "../records/document-store.js";
import { UserEntity } from "../users/user.entity.js";

/** What an erased patient's name becomes (the column is required); identifiers that may be empty are cleared. */
export const ERASED_NAME = "Erased";

/**
 * The patient's (or staff's) request: NOT_FOUND for whoever may not see the patient;
 * true once erased, false when a legal hold defers it (it runs when the hold is lifted).
 */
export async function requestErasure(ctx: RequestContext, patientId: string): Promise<boolean> {
  await findVisiblePatient(ctx, patientId);
  return erasePatient(ctx, patientId, { requested: true });
}

async function lockPatient(manager: EntityManager, patientId: string): Promise<PatientEntity> {
  const patient = await manager.findOne(PatientEntity, { where: { id: patientId }, lock: { mode: "pessimistic_write" } });
  if (!patient || patient.erasedAt) throw new NotFoundError("Patient");
  return patient;
}

/**
 * Withdraws the patient's active cases (their events tell reviewers and the patient, as
 * transitionCase's do), then erases every identifier, free text and document of the
 * patient in one transaction. Under a legal hold it records the request and returns false.
 * Retention passes onlyIfNothingActive: a patient with an active case is left alone.
 */
export async function erasePatient(ctx: RequestContext, patientId: string, options: { requested: boolean; onlyIfNothingActive?: boolean }): Promise<boolean> {
  const proceed = await ctx.db.transaction(async (manager) => {
    const patient = await lockPatient(manager, patientId);
    if (options.requested) {
      await audit(ctx, { action: "REQUEST_ERASURE", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
      // Recorded before anything else: if the erasure stops halfway, the retention run finishes it.
      if (!patient.erasureRequestedAt) await manager.update(PatientEntity, { id: patient.id }, { erasureRequestedAt: new Date() });
    }
    if (patient.legalHoldAt) return false;
    const cases = await manager.find(CaseEntity, { where: { patientId: patient.id }, order: { openedAt: "ASC" }, lock: { mode: "pessimistic_write" } });
    // Retention: a case opened since the run chose this patient keeps them.
    if (options.onlyIfNothingActive && cases.some((c) => !c.erasedAt && !isTerminal(c.status))) return false;
    for (const row of cases) {
      if (!isTerminal(row.status) && !row.erasedAt) await applyTransition(ctx, manager, row, { status: CaseStatus.WITHDRAWN, heldFrom: null }, null);
    }
    return true;
  });
  if (!proceed) return false;
  const removed = await ctx.db.transaction(async (manager) => {
    await lockAgainstBackup(manager);
    // A hold placed since the withdrawal still wins.
    const patient = await lockPatient(manager, patientId);
    if (patient.legalHoldAt) {
      await manager.update(PatientEntity, { id: patient.id }, { erasureRequestedAt: patient.erasureRequestedAt ?? new Date() });
      return null;
    }
    const cases = await manager.find(CaseEntity, { where: { patientId: patient.id }, select: { id: true, status: true, erasedAt: true } });
    // Retention: a case opened between the two transactions keeps the patient.
    if (options.onlyIfNothingActive && cases.some((c) => !c.erasedAt && !isTerminal(c.status))) return null;
    const caseIds = cases.map((c) => c.id);
    const documents = await eraseCaseContent(ctx, manager, patient.id, caseIds);
    await eraseIdentity(manager, patient);
    await audit(ctx, { action: "ERASE_PATIENT", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
    return documents;
  });
  if (!removed) return false;
  await removeDocuments(ctx, removed);
  return true;
}

/**
 * Waits for any running backup (which holds this lock shared for its whole snapshot) and
 * keeps new ones out until the erasure commits: a backup holds all of the patient or none.
 */
export async function lockAgainstBackup(manager: EntityManager): Promise<void> {
  await manager.query("SELECT pg_advisory_xact_lock($1)", [BACKUP_ADVISORY_LOCK]);
}

/**
 * Erases what the cases hold: records, summaries, comments, options and reviews are
 * deleted; the case rows stay (reference, status, dates, version: their events keep
 * their numbers) with the reason blanked, event notes cleared, and are marked erased,
 * which hides them from everyone (policy.ts caseView). Returns the documents to remove
 * from the store once the transaction commits.
 */
export async function eraseCaseContent(ctx: RequestContext, manager: EntityManager, patientId: string, caseIds: string[]): Promise<Array<StoredDocument["storage"]>> {
  if (caseIds.length === 0) return [];
  const records: Array<{ storage: StoredDocument["storage"] | null }> = await manager.query(`SELECT storage FROM medical_record WHERE case_id = ANY($1::uuid[])`, [caseIds]);
  await manager.query(`DELETE FROM comment WHERE case_id = ANY($1::uuid[])`, [caseIds]);
  // Translations point at their originals (RESTRICT): unlink before deleting both.
  await manager.query(`UPDATE case_summary SET translation_of_id = NULL WHERE case_id = ANY($1::uuid[]) AND translation_of_id IS NOT NULL`, [caseIds]);
  for (const table of ["case_summary", "pathway_option", "review_assignment", "medical_record"]) {
    await manager.query(`DELETE FROM ${table} WHERE case_id = ANY($1::uuid[])`, [caseIds]);
  }
  await manager.query(`UPDATE case_event SET note = NULL WHERE case_id = ANY($1::uuid[]) AND note IS NOT NULL`, [caseIds]);
  const erased: Array<{ id: string }> = await manager.query(
    `UPDATE medical_case SET reason = '', patient_age_band = NULL, erased_at = now() WHERE id = ANY($1::uuid[]) AND erased_at IS NULL RETURNING id`,
    [caseIds],
  );
  for (const { id } of erased) await audit(ctx, { action: "ERASE_CASE", objectType: "Case", objectId: id, patientId }, manager);
  return records.flatMap((r) => (r.storage ? [r.storage] : []));
}

/** The patient's identifiers, consents and account: overwritten or deleted; the account can never sign in again. */
async function eraseIdentity(manager: EntityManager, patient: PatientEntity): Promise<void> {
  const user = await manager.findOneOrFail(UserEntity, { where: { id: patient.userId }, lock: { mode: "pessimistic_write" } });
  await manager.query(`DELETE FROM consent WHERE patient_id = $1`, [patient.id]);
  const email = `erased-${user.id}@erased.invalid`;
  // update() runs no entity listener: the search columns, which fold the name and email, are set here too.
  await manager.update(PatientEntity, { id: patient.id }, {
    fullName: ERASED_NAME,
    searchText: searchTextOf(ERASED_NAME),
    dateOfBirthEnc: "",
    healthCardNumberEnc: null,
    erasedAt: new Date(),
    erasureRequestedAt: null,
  });
  await manager.update(UserEntity, { id: user.id }, {
    email,
    displayName: ERASED_NAME,
    searchText: searchTextOf(ERASED_NAME, email),
    passwordHash: null,
    disabledAt: user.disabledAt ?? new Date(),
  });
  // Access tokens die with their session; open sockets close at their next check.
  await manager.query(`UPDATE auth_session SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [user.id]);
  await manager.query(`DELETE FROM account_invitation WHERE user_id = $1`, [user.id]);
  await manager.query(`DELETE FROM login_limit WHERE key = ANY($1)`, [accountLimitRowKeys(user.email)]);
}

/** After commit: a failure leaves an unreferenced encrypted file behind, never a record without its document. */
export async function removeDocuments(ctx: { runtime: RequestContext["runtime"] }, documents: Array<StoredDocument["storage"]>): Promise<void> {
  for (const storage of documents) {
    await ctx.runtime.documents.remove(storage).catch((error) => ctx.runtime.logger.error({ errorName: (error as Error).name, key: storage.key }, "an erased document could not be removed"));
  }
}
