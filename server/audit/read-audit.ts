import type { DataSource } from "typeorm";
import type { Role } from "../common/enums.js";
import { isDataError } from "../db/constraint-errors.js";
import { batchWhileInFlight } from "../db/flight-batch.js";
import { queryRows } from "../db/rows.js";
import type { AuditAction } from "./access-log.js";
import { AuditEntryEntity } from "./audit-entry.entity.js";

/** One read of personal health data, as the audit trail records it. */
export interface ReadEntry {
  action: AuditAction;
  objectType: string;
  objectId: string | null;
  patientId: string | null;
}

/** One request's reads, with who made them. */
export interface RequestReads {
  actorUserId: string | null;
  actorRole: Role | null;
  requestId: string;
  clientAddress: string | null;
  reads: ReadEntry[];
}

export interface ReadAuditWriter {
  /** Resolves once the reads are committed; rejects when they could not be written. */
  write(request: RequestReads): Promise<void>;
}

/** Requests' reads per statement at most; a larger queue is written by the following statements. */
const MAX_REQUESTS_PER_STATEMENT = 64;

/** Plain SQL over arrays, prepared: TypeORM's multi-row insert builds a parameter per value. */
async function insertReads(db: DataSource, requests: readonly RequestReads[]): Promise<void> {
  const rows = requests.flatMap((request) => request.reads.map((read) => ({ request, read })));
  const column = <T>(pick: (row: (typeof rows)[number]) => T) => rows.map(pick);
  await queryRows(
    db,
    `INSERT INTO ${db.getMetadata(AuditEntryEntity).tableName} (actor_user_id, actor_role, request_id, client_address, outcome, action, object_type, object_id, patient_id)
     SELECT r.actor_user_id, r.actor_role, r.request_id, r.client_address, 'ALLOWED', r.action, r.object_type, r.object_id, r.patient_id
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[]) WITH ORDINALITY
       AS r(actor_user_id, actor_role, request_id, client_address, action, object_type, object_id, patient_id, n)
     ORDER BY r.n`,
    [
      column((x) => x.request.actorUserId),
      column((x) => x.request.actorRole),
      column((x) => x.request.requestId),
      column((x) => x.request.clientAddress),
      column((x) => x.read.action),
      column((x) => x.read.objectType),
      column((x) => x.read.objectId),
      column((x) => x.read.patientId),
    ],
  );
}

/**
 * Group commit of read audits (db/flight-batch.ts): the requests that finish while an insert is
 * in flight are written together by the next one. Each request still waits for its own reads to
 * be committed before it answers. A statement refused for its data is retried request by request,
 * so one request's bad entry costs only its own.
 */
export function createReadAuditWriter(db: DataSource): ReadAuditWriter {
  const written = batchWhileInFlight<RequestReads, true>(async (requests) => {
    try {
      await insertReads(db, requests);
      return requests.map(() => true as const);
    } catch (error) {
      // Only an entry the table refuses is worth retrying alone; a database or connection failure fails them all.
      if (requests.length === 1 || !isDataError(error)) return requests.map(() => error as Error);
      return Promise.all(requests.map((request) => insertReads(db, [request]).then(() => true as const, (failure: Error) => failure)));
    }
  }, MAX_REQUESTS_PER_STATEMENT);
  return {
    async write(request) {
      if (request.reads.length > 0) await written(request);
    },
  };
}
