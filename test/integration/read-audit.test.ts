import crypto from "node:crypto";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import type { RequestReads } from "../../server/audit/read-audit";
import { Role } from "../../server/common/enums";

/**
 * Reads of personal health data are audited with group commit (server/audit/read-audit.ts):
 * requests that finish while an insert is in flight are written together by the next one.
 * Nothing may be lost or misattributed on the way: every request's reads land under its own
 * actor and request id, a request learns only once they are committed, and one request's bad
 * entry costs no other request its entries.
 */

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "readaudit");
});
afterAll(() => server.close());

const isAuditInsert = (sql: string) => /^\s*INSERT INTO audit_entry\b/.test(sql);

let made = 0;
/** A request's reads, its role, address, actions and patients varying from one request to the next. */
function requestReads(actorUserId: string, objects: number, objectId: (i: number) => string = () => crypto.randomUUID()): RequestReads {
  made += 1;
  return {
    actorUserId,
    actorRole: actorUserId === f.admin.userId ? Role.ADMIN : Role.COORDINATOR,
    requestId: crypto.randomUUID(),
    clientAddress: `192.0.2.${made % 250}`,
    reads: Array.from({ length: objects }, (_, i) => ({
      action: (i + made) % 2 ? ("READ_CASE" as const) : ("READ_PATIENT" as const),
      objectType: (i + made) % 2 ? "Case" : "Patient",
      objectId: objectId(i),
      patientId: (i + made) % 3 ? f.patient.patientId : f.otherPatient.patientId,
    })),
  };
}

interface WrittenRequest {
  request: Omit<RequestReads, "reads">;
  reads: RequestReads["reads"];
}

/** The audit rows of these requests, per request id in the order written, read on another connection. */
async function writtenRows(requests: RequestReads[]): Promise<Map<string, WrittenRequest>> {
  const rows: Array<Record<string, string>> = await server.db.query(
    `SELECT request_id, actor_user_id, actor_role, client_address, outcome, action, object_type, object_id, patient_id FROM audit_entry WHERE request_id = ANY($1::text[]) ORDER BY id`,
    [requests.map((r) => r.requestId)],
  );
  const written = new Map<string, WrittenRequest>();
  for (const row of rows) {
    expect(row.outcome).toBe("ALLOWED");
    const request = { actorUserId: row.actor_user_id, actorRole: row.actor_role as Role, requestId: row.request_id, clientAddress: row.client_address };
    const entry = written.get(row.request_id) ?? { request, reads: [] };
    expect(entry.request).toEqual(request);
    entry.reads.push({ action: row.action as "READ_CASE", objectType: row.object_type, objectId: row.object_id, patientId: row.patient_id });
    written.set(row.request_id, entry);
  }
  return written;
}

test("requests that finish together are written by one statement, each under its own name, committed before they are answered", async () => {
  const requests = Array.from({ length: 12 }, (_, i) => requestReads(i % 2 ? f.coordinator.userId : f.admin.userId, 1 + (i % 4)));
  server.statements.length = 0;
  await Promise.all(requests.map((r) => server.runtime.readAudit.write(r)));
  expect(server.statements.filter(isAuditInsert)).toHaveLength(1);
  const written = await writtenRows(requests);
  for (const { reads, ...request } of requests) expect(written.get(request.requestId)).toEqual({ request, reads });
});

/** Runs `body` while another transaction holds the audit table against inserts; they wait until it ends. */
async function withInsertsHeld(body: () => Promise<void>): Promise<void> {
  const holder = server.db.createQueryRunner();
  await holder.connect();
  await holder.startTransaction();
  try {
    await holder.query(`LOCK TABLE audit_entry IN EXCLUSIVE MODE`);
    await body();
  } finally {
    await holder.commitTransaction();
    await holder.release();
  }
}

const nextTick = () => new Promise((resolve) => setImmediate(resolve));
async function untilInserts(count: number): Promise<void> {
  while (server.statements.filter(isAuditInsert).length < count) await nextTick();
}

test("requests that finish while inserts are in flight wait for one, then go together in the next", async () => {
  const [first, second] = [requestReads(f.coordinator.userId, 3), requestReads(f.admin.userId, 1)];
  const later = Array.from({ length: 5 }, (_, i) => requestReads(f.coordinator.userId, 2 + i));
  server.statements.length = 0;
  const writes: Promise<void>[] = [];
  await withInsertsHeld(async () => {
    writes.push(server.runtime.readAudit.write(first));
    await untilInserts(1);
    writes.push(server.runtime.readAudit.write(second));
    await untilInserts(2);
    // Both statements are held in flight: the later requests, finishing a tick apart, queue up together.
    for (const r of later) {
      writes.push(server.runtime.readAudit.write(r));
      await nextTick();
    }
    expect(server.statements.filter(isAuditInsert)).toHaveLength(2);
  });
  await Promise.all(writes);
  expect(server.statements.filter(isAuditInsert)).toHaveLength(3);
  const written = await writtenRows([first, second, ...later]);
  for (const r of [first, second, ...later]) expect(written.get(r.requestId)?.reads).toEqual(r.reads);
});

test("one request's entry the table refuses fails that request alone; the others' entries are all written", async () => {
  const good = [requestReads(f.coordinator.userId, 2), requestReads(f.admin.userId, 3)];
  // object_id holds at most 64 characters.
  const bad = requestReads(f.coordinator.userId, 2, (i) => (i === 1 ? "x".repeat(65) : crypto.randomUUID()));
  server.statements.length = 0;
  const outcomes = await Promise.allSettled([good[0], bad, good[1]].map((r) => server.runtime.readAudit.write(r)));
  // The three together, refused; then each alone.
  expect(server.statements.filter(isAuditInsert)).toHaveLength(4);
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  const written = await writtenRows([...good, bad]);
  expect(written.has(bad.requestId)).toBe(false);
  for (const r of good) expect(written.get(r.requestId)?.reads).toEqual(r.reads);
});

test("a statement that fails for the database, not its data, fails its requests without retrying each", async () => {
  const requests = Array.from({ length: 3 }, () => requestReads(f.coordinator.userId, 2));
  server.statements.length = 0;
  let outcomes: PromiseSettledResult<void>[] = [];
  await withInsertsHeld(async () => {
    const settled = Promise.allSettled(requests.map((r) => server.runtime.readAudit.write(r)));
    await untilInserts(1);
    // Cancelled while it waits: query_canceled (57014), a failure of the database's, not of the entries.
    let cancelled = false;
    while (!cancelled) {
      const [row] = await server.db.query(`SELECT count(pg_cancel_backend(pid))::int AS n FROM pg_stat_activity WHERE query LIKE 'INSERT INTO audit_entry%' AND wait_event_type = 'Lock'`);
      cancelled = row.n > 0;
      if (!cancelled) await nextTick();
    }
    outcomes = await settled;
  });
  expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
  expect(server.statements.filter(isAuditInsert)).toHaveLength(1);
  expect((await writtenRows(requests)).size).toBe(0);
});

test("a request without reads writes nothing", async () => {
  server.statements.length = 0;
  await server.runtime.readAudit.write(requestReads(f.coordinator.userId, 0));
  expect(server.statements.filter(isAuditInsert)).toHaveLength(0);
});

test("concurrent dashboards' reads all reach the trail", async () => {
  const build = new CaseBuilder(server, f.coordinator.token);
  for (let i = 0; i < 3; i++) await build.openCase(f.patient.patientId);
  const before = Number((await server.db.query(`SELECT count(*) AS n FROM audit_entry WHERE action = 'READ_CASE'`))[0].n);
  const answers = await Promise.all(
    Array.from({ length: 8 }, () => server.gql(`{ cases(first: 5) { edges { node { id } } } }`, {}, f.coordinator.token)),
  );
  const listed = answers.reduce((sum, answer) => sum + (ok(answer).cases.edges as unknown[]).length, 0);
  expect(listed).toBeGreaterThan(0);
  const after = Number((await server.db.query(`SELECT count(*) AS n FROM audit_entry WHERE action = 'READ_CASE'`))[0].n);
  expect(after - before).toBe(listed);
});
