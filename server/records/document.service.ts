import crypto from "node:crypto";
import type { Readable } from "node:stream";
import type { EntityManager } from "typeorm";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { CaseEventType } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { isTerminal } from "../cases/workflow.js";
import { appendEvents } from "../events/outbox.js";
import { MAX_DOCUMENT_BYTES } from "./document-store.js";
import { inspectedBody } from "./document-type.js";
import { MedicalRecordEntity } from "./medical-record.entity.js";

export interface AcceptedDocument {
  id: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Stores a record's bytes: the head is checked against the declared type before anything is
 * written (an empty or mismatched body throws DocumentBodyError), the rest streams through the
 * store. The record takes them in one transaction with its audit entry and event, unless
 * `claim` (spending the URL's token) fails or the record got bytes or the case closed in the
 * meantime: then nothing is kept and the answer is undefined.
 */
export async function acceptDocument(
  ctx: RequestContext,
  record: MedicalRecordEntity,
  contentType: string,
  source: Readable,
  claim: (manager: EntityManager) => Promise<boolean> = async () => true,
  maxBytes = MAX_DOCUMENT_BYTES,
): Promise<AcceptedDocument | undefined> {
  const documents = ctx.runtime.documents;
  const body = await inspectedBody(source, contentType);
  // Each attempt writes under its own key, so a losing concurrent upload never overwrites the winner.
  const stored = await documents.write(`${record.id}-${crypto.randomUUID()}`, body, maxBytes);
  const saved = await ctx.db
    .transaction(async (manager) => {
      const fresh = await claim(manager);
      // The case may have closed while the bytes streamed in: check again, under its lock.
      const caseRow = await manager.findOne(CaseEntity, { where: { id: record.caseId }, lock: { mode: "pessimistic_write" } });
      const current = await manager.findOne(MedicalRecordEntity, { where: { id: record.id }, lock: { mode: "pessimistic_write" } });
      if (!fresh || !current || current.uploadedAt || !caseRow || isTerminal(caseRow.status)) return false;
      await manager.update(MedicalRecordEntity, { id: current.id }, { contentType, sizeBytes: stored.sizeBytes, sha256: stored.sha256, storage: stored.storage, uploadedAt: new Date() });
      await audit(ctx, { action: "UPLOAD_DOCUMENT", objectType: "MedicalRecord", objectId: current.id, patientId: caseRow.patientId }, manager);
      await appendEvents(manager, ctx.viewer!.userId, [{ caseId: current.caseId, type: CaseEventType.RECORD_UPLOADED, subjectId: current.id }]);
      return true;
    })
    .catch(async (error) => {
      await documents.remove(stored.storage).catch(() => undefined);
      throw error;
    });
  if (!saved) {
    // A losing attempt leaves no file behind.
    await documents.remove(stored.storage);
    return undefined;
  }
  return { id: record.id, sha256: stored.sha256, sizeBytes: stored.sizeBytes };
}
