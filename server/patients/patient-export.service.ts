import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";
import { In } from "typeorm";
import { open } from "../auth/field-crypto.js";
import { canSeeOption, canSeeSummary, visibleEventTypes } from "../auth/policy.js";
import { signDocumentToken } from "../auth/tokens.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { accessLog, MAX_ACCESS_LOG_PAGE } from "../audit/access-log.service.js";
import { CaseEntity } from "../cases/case.entity.js";
import { ConsentEntity } from "../consents/consent.entity.js";
import { CaseEventEntity } from "../events/case-event.entity.js";
import { PathwayOptionEntity } from "../options/pathway-option.entity.js";
import { DOCUMENT_TYPES } from "../records/document-type.js";
import type { StoredDocument } from "../records/document-store.js";
import { MedicalRecordEntity } from "../records/medical-record.entity.js";
import { CaseSummaryEntity } from "../summaries/case-summary.entity.js";
import { UserEntity } from "../users/user.entity.js";
import { renderIndexHtml, type PatientFile } from "./patient-export-index.js";
import type { PatientEntity } from "./patient.entity.js";
import { findVisiblePatient } from "./patient.service.js";

/**
 * The patient's right of access: a short-lived, single-use URL (signed like document URLs)
 * of one tar.gz of their whole file, as the patient sees it, whoever asks for it.
 */
export async function exportPatientFile(ctx: RequestContext, patientId: string): Promise<string> {
  const patient = await findVisiblePatient(ctx, patientId);
  await audit(ctx, { action: "EXPORT_FILE", objectType: "Patient", objectId: patient.id, patientId: patient.id });
  const token = await signDocumentToken(ctx.runtime.jwtSecret, "export", patient.id, ctx.viewer!.userId);
  return `${ctx.runtime.publicUrl}/documents/export/${token}`;
}

interface ArchivedDocument {
  name: string;
  sizeBytes: number;
  storage: StoredDocument["storage"];
}

/** Everything the archive holds but the document bytes, read as the patient (OWNER) sees their cases. */
async function collect(ctx: RequestContext, patient: PatientEntity): Promise<{ file: PatientFile; documents: ArchivedDocument[] }> {
  const db = ctx.db;
  const ring = ctx.runtime.keyRing;
  const user = await db.getRepository(UserEntity).findOneByOrFail({ id: patient.userId });
  const cases = await db.getRepository(CaseEntity).find({ where: { patientId: patient.id }, order: { openedAt: "ASC" } });
  const live = cases.filter((c) => !c.erasedAt);
  const caseIds = live.map((c) => c.id);
  const [records, summaries, options, events, consents] = await Promise.all([
    db.getRepository(MedicalRecordEntity).find({ where: { caseId: In(caseIds) }, order: { receivedAt: "ASC", id: "ASC" } }),
    db.getRepository(CaseSummaryEntity).find({ where: { caseId: In(caseIds) }, order: { language: "ASC", version: "ASC" } }),
    db.getRepository(PathwayOptionEntity).find({ where: { caseId: In(caseIds) }, order: { createdAt: "ASC" } }),
    db.getRepository(CaseEventEntity).find({ where: { caseId: In(caseIds), type: In([...visibleEventTypes("OWNER")]) }, order: { id: "ASC" } }),
    db.getRepository(ConsentEntity).find({ where: { patientId: patient.id }, order: { grantedAt: "ASC" } }),
  ]);
  const log = [];
  for (let after: string | null = null; ; ) {
    const page = await accessLog(ctx, patient, MAX_ACCESS_LOG_PAGE, after);
    log.push(...page);
    if (page.length < MAX_ACCESS_LOG_PAGE) break;
    after = page[page.length - 1].id;
  }
  const documents: ArchivedDocument[] = [];
  const file: PatientFile = {
    format: "meridian-patient-file/1",
    exportedAt: new Date().toISOString(),
    patient: {
      id: patient.id,
      fullName: patient.fullName,
      email: user.email,
      dateOfBirth: open(ring, patient.dateOfBirthEnc),
      healthCardNumber: patient.healthCardNumberEnc ? open(ring, patient.healthCardNumberEnc) : null,
      preferredLanguage: patient.preferredLanguage,
    },
    cases: live.map((c) => ({
      id: c.id,
      reference: c.reference,
      status: c.status,
      openedAt: c.openedAt.toISOString(),
      reason: c.reason,
      records: records
        .filter((r) => r.caseId === c.id)
        .map((r) => {
          let document: string | null = null;
          if (r.uploadedAt && r.storage) {
            document = `documents/${r.id}.${DOCUMENT_TYPES[r.contentType ?? ""] ?? "bin"}`;
            documents.push({ name: document, sizeBytes: r.sizeBytes ?? 0, storage: r.storage as StoredDocument["storage"] });
          }
          return { id: r.id, kind: r.kind, title: r.title, language: r.language, documentDate: r.documentDate, receivedAt: r.receivedAt.toISOString(), contentType: r.contentType, sizeBytes: r.sizeBytes, sha256: r.sha256, document };
        }),
      summaries: summaries
        .filter((s) => s.caseId === c.id && canSeeSummary("OWNER", s))
        .map((s) => ({
          id: s.id,
          language: s.language,
          version: s.version,
          translationOfId: s.translationOfId,
          publishedAt: s.publishedAt!.toISOString(),
          primaryCancer: s.primaryCancer,
          histology: s.histology,
          stage: s.stage,
          biomarkers: s.biomarkers,
          ecogPerformanceStatus: s.ecogPerformanceStatus,
          treatmentHistory: s.treatmentHistory,
          currentPlan: s.currentPlan,
          questionsForReviewers: s.questionsForReviewers,
        })),
      options: options
        .filter((o) => o.caseId === c.id && canSeeOption("OWNER", o))
        .map((o) => ({ id: o.id, kind: o.kind, title: o.title, description: o.description, evidence: o.evidence, eligibility: o.eligibility, complexity: o.complexity })),
      events: events
        .filter((e) => e.caseId === c.id)
        .map((e) => ({ id: e.id, type: e.type, at: e.at.toISOString(), fromStatus: e.fromStatus, toStatus: e.toStatus, note: e.note })),
    })),
    consents: consents.map((k) => ({
      id: k.id,
      scope: k.scope,
      destinationCountries: k.destinationCountries,
      grantedAt: k.grantedAt.toISOString(),
      revokedAt: k.revokedAt?.toISOString() ?? null,
      attestedByCoordinator: k.attestedByCoordinator,
    })),
    accessLog: log.map((e) => ({ id: e.id, kind: e.kind, description: e.description, count: e.count, firstAt: e.firstAt.toISOString(), lastAt: e.lastAt.toISOString() })),
  };
  return { file, documents };
}

/**
 * Streams the archive (index.json, index.html, then each document decrypted through the
 * document store) into `out`, gzipped; no document is held whole in memory. A failed
 * integrity check of a document aborts the stream.
 */
export async function streamPatientArchive(ctx: RequestContext, patient: PatientEntity, out: Writable): Promise<void> {
  const { file, documents } = await collect(ctx, patient);
  const pack = tar.pack();
  const sent = pipeline(pack, zlib.createGzip(), out);
  try {
    const mtime = new Date(file.exportedAt);
    pack.entry({ name: "index.json", mtime }, JSON.stringify(file, null, 2));
    pack.entry({ name: "index.html", mtime }, renderIndexHtml(file));
    for (const document of documents) {
      await pipeline(ctx.runtime.documents.read(document.storage), pack.entry({ name: document.name, size: document.sizeBytes, mtime }));
    }
    pack.finalize();
  } catch (error) {
    pack.destroy(error as Error);
  }
  await sent;
}
