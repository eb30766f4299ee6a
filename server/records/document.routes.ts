import crypto from "node:crypto";
import { PassThrough } from "node:stream";
import { pipeline } from "node:stream/promises";
import express, { type Request, type Response } from "express";
import type { EntityManager } from "typeorm";
import { verifyDocumentToken, type DocumentPurpose } from "../auth/tokens.js";
import { buildContext, flushReadAudit, loadViewer, type RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { asDomainError, isStorageFull, logUnexpected, unlessNotFound } from "../errors.js";
import { isTerminal } from "../cases/workflow.js";
import type { Runtime } from "../runtime.js";
import { MAX_DOCUMENT_BYTES } from "./document-store.js";
import { acceptDocument } from "./document.service.js";
import { DOCUMENT_TYPES, DocumentBodyError } from "./document-type.js";
import type { MedicalRecordEntity } from "./medical-record.entity.js";
import { findVisiblePatient } from "../patients/patient.service.js";
import { streamPatientArchive } from "../patients/patient-export.service.js";
import { caseDocumentRoom, findVisibleRecord, mayUpload } from "./record.service.js";
import { UsedUrlTokenEntity } from "./used-url-token.entity.js";

/** Marks a URL's token as used; false when it already was. */
async function spendToken(manager: EntityManager, jti: string, expiresAt: Date): Promise<boolean> {
  const rows: unknown[] = await manager.query(`INSERT INTO used_url_token (jti, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING jti`, [jti, expiresAt]);
  return rows.length === 1;
}

const fail = (res: Response, status: number, code: string, field?: string) => res.status(status).json(field ? { code, field } : { code });

/** A signed, single-purpose, single-use URL: resolves to its claims and a context for its (still enabled) user. */
async function redeemToken(runtime: Runtime, req: Request, purpose: DocumentPurpose) {
  const claims = await verifyDocumentToken(runtime.jwtSecret, purpose, String(req.params.token));
  if (!claims) return undefined;
  const spent = await runtime.db.getRepository(UsedUrlTokenEntity).existsBy({ jti: claims.jti });
  const viewer = spent ? undefined : await loadViewer(runtime, claims.userId);
  if (!viewer) return undefined;
  const ctx = buildContext(
    runtime,
    { authorization: undefined, clientAddress: req.ip ?? null, requestId: crypto.randomUUID() },
    { viewer, expiresAt: claims.expiresAt.getTime() },
  );
  return { ctx, claims };
}

/** A record's URL: its record, checked against the policy again now. */
async function redeem(runtime: Runtime, req: Request, purpose: "upload" | "download") {
  const redeemed = await redeemToken(runtime, req, purpose);
  const record = redeemed && (await unlessNotFound(findVisibleRecord(redeemed.ctx, redeemed.claims.objectId)));
  return record ? { ...redeemed!, record } : undefined;
}

function handleError(runtime: Runtime, res: Response, error: unknown, requestId: string) {
  // The client went away or was cut off (too slow a sender): nobody to answer, nothing unexpected.
  if (res.req.destroyed && !res.req.complete) {
    runtime.logger.info({ requestId, route: "documents" }, "request aborted before its body arrived");
    return;
  }
  if (isStorageFull(error)) {
    runtime.logger.warn({ requestId, route: "documents", errorCode: (error as { code?: string }).code }, "storage full: document refused");
    if (res.headersSent) return void res.destroy();
    return fail(res, 507, "STORAGE_FULL");
  }
  if (error instanceof DocumentBodyError) return fail(res, error.status, "BAD_USER_INPUT", error.field);
  const domain = asDomainError(error);
  if (domain?.code === "PAYLOAD_TOO_LARGE") return fail(res, 413, "PAYLOAD_TOO_LARGE");
  if (domain?.code === "SERVICE_UNAVAILABLE") return fail(res, 503, "SERVICE_UNAVAILABLE");
  logUnexpected(runtime.logger, error, { requestId, route: "documents" });
  if (!res.headersSent) fail(res, 500, "INTERNAL_SERVER_ERROR");
  else res.destroy();
}

/**
 * The request body as a stream the document store may destroy when it fails (over the limit).
 * Destroying the request itself would wedge its keep-alive connection: the 413 would be the last
 * answer it carries and the client's next request on it would hang or be reset. Piped instead,
 * the rest of the body is drained (wrap's req.resume()) and the connection stays usable; a client
 * that goes away mid-upload still fails the store's write.
 */
function bodyOf(req: Request): PassThrough {
  const body = new PassThrough();
  const aborted = () => {
    if (!req.complete) body.destroy(new Error("the upload was aborted"));
  };
  req.on("error", (error) => body.destroy(error));
  // Cut off while the URL was being checked (too slow a sender, a client gone): 'close' is past.
  if (req.destroyed) aborted();
  else req.on("close", aborted);
  return req.pipe(body);
}

async function upload(runtime: Runtime, req: Request, res: Response) {
  const contentType = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const redeemed = await redeem(runtime, req, "upload");
  if (!redeemed || !mayUpload(redeemed.ctx, redeemed.record.row) || redeemed.record.row.uploadedAt || isTerminal(redeemed.record.caseRow.status)) {
    return fail(res, 404, "NOT_FOUND");
  }
  if (!DOCUMENT_TYPES[contentType]) return fail(res, 415, "BAD_USER_INPUT", "contentType");
  if (Number(req.headers["content-length"] ?? 0) > MAX_DOCUMENT_BYTES) return fail(res, 413, "PAYLOAD_TOO_LARGE");
  const { ctx, claims, record } = redeemed;
  // A case holds so many bytes of documents at most (uploads running at once may each take the room left).
  const room = Math.min(MAX_DOCUMENT_BYTES, await caseDocumentRoom(ctx, record.row.caseId));
  if (room <= 0 || Number(req.headers["content-length"] ?? 0) > room) return fail(res, 413, "PAYLOAD_TOO_LARGE");
  const accepted = await acceptDocument(ctx, record.row, contentType, bodyOf(req), (manager) => spendToken(manager, claims.jti, claims.expiresAt), room);
  if (!accepted) return fail(res, 409, "CONFLICT");
  res.status(201).json(accepted);
}

/** The headers a download answers with; HEAD answers them alone. */
function documentHeaders(res: Response, row: MedicalRecordEntity) {
  res.status(200);
  res.setHeader("Content-Type", row.contentType ?? "application/octet-stream");
  res.setHeader("Content-Length", String(row.sizeBytes ?? 0));
  // Named by record id: titles may carry identifiers.
  res.setHeader("Content-Disposition", `attachment; filename="${row.id}.${DOCUMENT_TYPES[row.contentType ?? ""] ?? "bin"}"`);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-SHA256", row.sha256 ?? "");
}

async function download(runtime: Runtime, req: Request, res: Response) {
  const redeemed = await redeem(runtime, req, "download");
  if (!redeemed || !redeemed.record.row.uploadedAt || !redeemed.record.row.storage) return fail(res, 404, "NOT_FOUND");
  const { ctx, claims, record } = redeemed;
  if (!(await spendToken(runtime.db.manager, claims.jti, claims.expiresAt))) return fail(res, 404, "NOT_FOUND");
  await audit(ctx as RequestContext, { action: "DOWNLOAD_DOCUMENT", objectType: "MedicalRecord", objectId: record.row.id, patientId: record.caseRow.patientId });
  await flushReadAudit(ctx);
  const row = record.row;
  documentHeaders(res, row);
  // pipeline closes the file when the client goes away; a failed GCM tag check aborts the response.
  await pipeline(runtime.documents.read(row.storage as never), res).catch((error: NodeJS.ErrnoException) => {
    // A client that stops reading is not a server fault.
    if (error.code !== "ERR_STREAM_PREMATURE_CLOSE") handleError(runtime, res, error, ctx.requestId);
  });
}

/**
 * HEAD on a download URL: the same checks and headers, without the bytes, and the URL stays
 * unspent (Express would otherwise run the GET handler for HEAD, spending it).
 */
async function downloadHead(runtime: Runtime, req: Request, res: Response) {
  const redeemed = await redeem(runtime, req, "download");
  if (!redeemed || !redeemed.record.row.uploadedAt || !redeemed.record.row.storage) return fail(res, 404, "NOT_FOUND");
  documentHeaders(res, redeemed.record.row);
  res.end();
}

/** The archive of a patient's whole file (exportPatientFile): the policy is checked again, the download audited. */
async function exportArchive(runtime: Runtime, req: Request, res: Response) {
  const redeemed = await redeemToken(runtime, req, "export");
  const patient = redeemed && (await unlessNotFound(findVisiblePatient(redeemed.ctx, redeemed.claims.objectId)));
  if (!redeemed || !patient) return fail(res, 404, "NOT_FOUND");
  const { ctx, claims } = redeemed;
  if (!(await spendToken(runtime.db.manager, claims.jti, claims.expiresAt))) return fail(res, 404, "NOT_FOUND");
  await audit(ctx, { action: "DOWNLOAD_EXPORT", objectType: "Patient", objectId: patient.id, patientId: patient.id });
  res.status(200);
  res.setHeader("Content-Type", "application/gzip");
  // Named by patient id: names are identifiers.
  res.setHeader("Content-Disposition", `attachment; filename="meridian-file-${patient.id}.tar.gz"`);
  res.setHeader("Cache-Control", "no-store");
  await streamPatientArchive(ctx, patient, res).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ERR_STREAM_PREMATURE_CLOSE") handleError(runtime, res, error, ctx.requestId);
  });
}

/** Document bytes travel over plain HTTP, never inside GraphQL. */
export function documentRoutes(runtime: Runtime) {
  const router = express.Router();
  const wrap = (handler: (runtime: Runtime, req: Request, res: Response) => Promise<unknown>) => (req: Request, res: Response) => {
    handler(runtime, req, res).catch((error) => {
      // Whatever still reads the body lets go of it (a stream may be destroyed only later), and the rest is drained.
      req.unpipe();
      req.resume();
      handleError(runtime, res, error, crypto.randomUUID());
    });
  };
  router.put("/documents/upload/:token", wrap(upload));
  router.head("/documents/download/:token", wrap(downloadHead));
  router.get("/documents/download/:token", wrap(download));
  router.get("/documents/export/:token", wrap(exportArchive));
  return router;
}
