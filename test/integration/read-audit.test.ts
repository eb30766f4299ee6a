import crypto from "node:crypto";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import type { RequestReads } from "../../server/audit/read-audit";

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

function requestReads(actorUserId: string, objects: number, objectId: (i: number) => string = () => crypto.randomUUID()): RequestReads {
  return {
    actorUserId,
    actorRole: "COORDINATOR" as RequestReads["actorRole"],
    requestId: crypto.randomUUID(),
    clientAddress: "192.0.2.7",
    reads: Array.from({ length: objects }, (_, i) => ({ action: "READ_CASE" as const, objectType: "Case", objectId: objectId(i), patientId: f.patient.patientId })),
  };
}

/** The audit rows of these requests, as (request id → object ids in order), read on another connection. */
async function writtenRows(requests: RequestReads[]): Promise<Map<string, { actor: string; objects: string[] }>> {
  const rows: Array<{ request_id: string; actor_user_id: string; object_id: string }> = await server.db.query(
    `SELECT request_id, actor_user_id, object_id FROM audit_entry WHERE request_id = ANY($1::text[]) ORDER BY id`,
    [requests.map((r) => r.requestId)],
  );
  const written = new Map<string, { actor: string; objects: string[] }>();
  for (const row of rows) {
    const entry = written.get(row.request_id) ?? { actor: row.actor_user_id, objects: [] };
    entry.objects.push(row.object_id);
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
  for (const r of requests) expect(written.get(r.requestId)).toEqual({ actor: r.actorUserId, objects: r.reads.map((read) => read.objectId) });
});

test("requests that finish while an insert is in flight wait for it, then go together in the next", async () => {
  const first = requestReads(f.coordinator.userId, 3);
  server.statements.length = 0;
  const firstWritten = server.runtime.readAudit.write(first);
  // Once the first insert has been sent, the next requests queue behind it.
  while (!server.statements.some(isAuditInsert)) await new Promise((resolve) => setImmediate(resolve));
  const later = Array.from({ length: 5 }, () => requestReads(f.coordinator.userId, 2));
  await Promise.all([firstWritten, ...later.map((r) => server.runtime.readAudit.write(r))]);
  expect(server.statements.filter(isAuditInsert)).toHaveLength(2);
  const written = await writtenRows([first, ...later]);
  expect([...written.values()].map((w) => w.objects.length)).toEqual([3, 2, 2, 2, 2, 2]);
});

test("one request's entry the table refuses fails that request alone; the others' entries are all written", async () => {
  const good = [requestReads(f.coordinator.userId, 2), requestReads(f.admin.userId, 3)];
  // object_id holds at most 64 characters.
  const bad = requestReads(f.coordinator.userId, 2, (i) => (i === 1 ? "x".repeat(65) : crypto.randomUUID()));
  const outcomes = await Promise.allSettled([good[0], bad, good[1]].map((r) => server.runtime.readAudit.write(r)));
  expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  const written = await writtenRows([...good, bad]);
  expect(written.has(bad.requestId)).toBe(false);
  for (const r of good) expect(written.get(r.requestId)?.objects).toHaveLength(r.reads.length);
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
