import { canSeeRecord, isStaff } from "../auth/policy.js";
import { signDocumentToken } from "../auth/tokens.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ForbiddenError, NotFoundError, unlessNotFound } from "../errors.js";
import { CaseEventType, Role } from "../common/enums.js";
import { dateOnly, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import type { Page } from "../common/paging.js";
import { findVisibleCase, lockOpenCase, lockOpenCaseOf, type VisibleCase } from "../cases/case-access.js";
import { isTerminal } from "../cases/workflow.js";
import { appendEvents } from "../events/outbox.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import type { AddMedicalRecordInput, UpdateMedicalRecordInput } from "./medical-record.input.js";
import { MedicalRecordEntity } from "./medical-record.entity.js";

export interface VisibleRecord {
  row: MedicalRecordEntity;
  view: VisibleCase["view"];
}

/** Coordinators add records to any case; a patient to their own. Closed or withdrawn cases take no more. */
export async function addMedicalRecord(ctx: RequestContext, input: AddMedicalRecordInput): Promise<VisibleRecord> {
  const title = requireText(input.title, "input.title", LIMITS.title);
  const documentDate = input.documentDate ? dateOnly(input.documentDate) : null;
  if (documentDate && documentDate > dateOnly(new Date())) throw new BadUserInputError("input.documentDate", "input.documentDate is in the future");
  await ctx.runtime.quotas.record(ctx.viewer!.userId);
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view } = await lockOpenCase(ctx, manager, input.caseId, "input.caseId");
    if (view !== "STAFF" && view !== "OWNER") throw new NotFoundError("Case");
    // Reviewers read the titles of shared records (the document's own name stays the record id).
    await assertDeidentified(ctx, manager, caseRow.patientId, [["input.title", title]]);
    const row = await manager.save(
      manager.create(MedicalRecordEntity, {
        caseId: caseRow.id,
        kind: input.kind,
        title,
        language: input.language,
        documentDate,
        addedByUserId: ctx.viewer!.userId,
        sharedWithReviewers: false,
      }),
    );
    await audit(ctx, { action: "ADD_RECORD", objectType: "MedicalRecord", objectId: row.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.RECORD_ADDED, subjectId: row.id }]);
    return { row, view };
  });
}

/** A coordinator shares a record with the reviewers once they confirm its document is redacted. */
export async function shareRecordWithReviewers(ctx: RequestContext, id: string, redactionConfirmed: boolean): Promise<VisibleRecord> {
  if (!redactionConfirmed) {
    throw new BadUserInputError("redactionConfirmed", "Confirm that the identifiers were removed from the document before sharing it");
  }
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: record } = await lockOpenCaseOf(ctx, manager, MedicalRecordEntity, id, "MedicalRecord");
    if (!record.uploadedAt) throw new BadUserInputError("id", "The record's document has not been uploaded yet");
    if (record.sharedWithReviewers) return { row: record, view };
    // Reviewers will read the title too (it may predate the check on save).
    await assertDeidentified(ctx, manager, caseRow.patientId, [["id", record.title]]);
    record.sharedWithReviewers = true;
    record.sharedAt = new Date();
    await manager.save(record);
    await audit(ctx, { action: "SHARE_RECORD", objectType: "MedicalRecord", objectId: record.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.RECORD_SHARED, subjectId: record.id }]);
    return { row: record, view };
  });
}

/**
 * Edits a record's title or kind: coordinators any record, a patient the records they added
 * themselves (others' they may read but not change: FORBIDDEN), while the case is open. The
 * title is checked for the patient's identifiers, as when the record was added.
 */
export async function updateMedicalRecord(ctx: RequestContext, id: string, input: UpdateMedicalRecordInput): Promise<VisibleRecord> {
  if (input.title === undefined && input.kind == null) throw new BadUserInputError("input", "Give a new title or kind");
  // A title given as null or blank (blank arrives as null) is refused: a record always has one.
  const title = input.title === undefined ? null : requireText(input.title, "input.title", LIMITS.title);
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: record } = await lockOpenCaseOf(ctx, manager, MedicalRecordEntity, id, "MedicalRecord");
    if (view !== "STAFF" && view !== "OWNER") throw new NotFoundError("MedicalRecord");
    if (view === "OWNER" && record.addedByUserId !== ctx.viewer!.userId) throw new ForbiddenError("Only the records you added yourself can be edited");
    if (title !== null) await assertDeidentified(ctx, manager, caseRow.patientId, [["input.title", title]]);
    const next = { title: title ?? record.title, kind: input.kind ?? record.kind };
    if (next.title === record.title && next.kind === record.kind) return { row: record, view };
    Object.assign(record, next);
    await manager.update(MedicalRecordEntity, { id: record.id }, next);
    await audit(ctx, { action: "UPDATE_RECORD", objectType: "MedicalRecord", objectId: record.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.RECORD_UPDATED, subjectId: record.id }]);
    return { row: record, view };
  });
}

/**
 * A coordinator takes a record back from the reviewers: they no longer see it, and download
 * URLs issued to them earlier stop working (a download re-checks the policy).
 */
export async function unshareRecord(ctx: RequestContext, id: string): Promise<VisibleRecord> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: record } = await lockOpenCaseOf(ctx, manager, MedicalRecordEntity, id, "MedicalRecord");
    if (!record.sharedWithReviewers) return { row: record, view };
    record.sharedWithReviewers = false;
    record.sharedAt = null;
    await manager.update(MedicalRecordEntity, { id: record.id }, { sharedWithReviewers: false, sharedAt: null });
    await audit(ctx, { action: "UNSHARE_RECORD", objectType: "MedicalRecord", objectId: record.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.RECORD_UNSHARED, subjectId: record.id }]);
    return { row: record, view };
  });
}

/** A page of the case's records, oldest first, as this view may see them (canSeeRecord, as SQL). */
export async function recordPage(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<MedicalRecordEntity[]> {
  if (!canSeeRecord(visible.view, { sharedWithReviewers: true })) return [];
  const filter = canSeeRecord(visible.view, { sharedWithReviewers: false }) ? undefined : { sql: "y.shared_with_reviewers", params: {} };
  const rows = await ctx.loaders.recordPages.load({ parentId: visible.row.id, page, filter });
  return rows.filter((row) => canSeeRecord(visible.view, row));
}

export async function uploadUrl(ctx: RequestContext, record: VisibleRecord): Promise<string | null> {
  const viewer = ctx.viewer;
  if (!viewer || record.row.uploadedAt || record.row.addedByUserId !== viewer.userId) return null;
  const caseRow = await ctx.loaders.case.load(record.row.caseId);
  if (!caseRow || isTerminal(caseRow.status)) return null;
  const token = await signDocumentToken(ctx.runtime.jwtSecret, "upload", record.row.id, viewer.userId);
  return `${ctx.runtime.publicUrl}/documents/upload/${token}`;
}

export async function downloadUrl(ctx: RequestContext, record: VisibleRecord): Promise<string | null> {
  const viewer = ctx.viewer;
  if (!viewer || !record.row.uploadedAt || !canSeeRecord(record.view, record.row)) return null;
  const token = await signDocumentToken(ctx.runtime.jwtSecret, "download", record.row.id, viewer.userId);
  return `${ctx.runtime.publicUrl}/documents/download/${token}`;
}

/** A record by id as the viewer may see it (through its case), or NOT_FOUND. */
export async function findVisibleRecord(ctx: RequestContext, id: string): Promise<VisibleRecord & { caseRow: VisibleCase["row"] }> {
  const row = await ctx.loaders.record.load(id);
  if (!row) throw new NotFoundError("MedicalRecord");
  const visible = await unlessNotFound(findVisibleCase(ctx, row.caseId));
  if (!visible || !canSeeRecord(visible.view, row)) throw new NotFoundError("MedicalRecord");
  return { row, view: visible.view, caseRow: visible.row };
}

/** How many more document bytes the case may store (MERIDIAN_CASE_DOCUMENT_BYTES over all its records). */
export async function caseDocumentRoom(ctx: RequestContext, caseId: string): Promise<number> {
  const [{ used }]: Array<{ used: string }> = await ctx.db.query(`SELECT coalesce(sum(size_bytes), 0)::text AS used FROM medical_record WHERE case_id = $1`, [caseId]);
  return ctx.runtime.config.caseDocumentBytes - Number(used);
}

export const mayUpload = (ctx: RequestContext, record: MedicalRecordEntity) =>
  ctx.viewer !== null && record.addedByUserId === ctx.viewer.userId && (isStaff(ctx.viewer) || ctx.viewer.role === Role.PATIENT);
