import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { isCountFolding, ok, startTestServer, type TestServer } from "../support/server";
import { insertCase } from "../support/sql-seed";
import { compactCaseCounts } from "../../server/cases/case-counts";

/**
 * The staff's case total is read from the per-status counts the database keeps
 * (case_status_count: rows appended by triggers on medical_case, folded from time to time),
 * not counted over every case. Whatever changes the cases, through the API or straight in
 * SQL, one at a time or side by side, the kept counts must equal a real count, and
 * `totalCount` must answer it.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "count");
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server.close());

const TOTAL = `query($filter: CaseFilter) { cases(first: 1, filter: $filter) { totalCount } }`;
const totalAsStaff = async (filter?: Record<string, unknown>) => ok(await server.gql(TOTAL, { filter }, f.coordinator.token)).cases.totalCount as number;

/** The kept counts and a real count of live cases, per status. */
async function countsPerStatus(): Promise<{ kept: Record<string, number>; actual: Record<string, number> }> {
  const kept = await server.db.query(`SELECT status, sum(cases)::int AS cases FROM case_status_count GROUP BY status HAVING sum(cases) <> 0`);
  const actual = await server.db.query(`SELECT status, count(*)::int AS cases FROM medical_case WHERE erased_at IS NULL GROUP BY status`);
  const asRecord = (rows: Array<{ status: string; cases: number }>) => Object.fromEntries(rows.map((r) => [r.status, Number(r.cases)]));
  return { kept: asRecord(kept), actual: asRecord(actual) };
}

async function expectCountsExact(): Promise<void> {
  const { kept, actual } = await countsPerStatus();
  expect(kept).toEqual(actual);
  const live = Object.values(actual).reduce((sum, n) => sum + n, 0);
  expect(await totalAsStaff()).toBe(live);
  expect(await totalAsStaff({ status: ["ON_HOLD", "WITHDRAWN"] })).toBe((actual.ON_HOLD ?? 0) + (actual.WITHDRAWN ?? 0));
}

test("opening, holding, resuming and withdrawing cases through the API keep the counts exact", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 4; i++) ids.push(await build.openCase(f.patient.patientId));
  await expectCountsExact();
  await build.move(ids[0], "ON_HOLD", "Waiting for the pathology block");
  await build.move(ids[1], "ON_HOLD", "Waiting for the scans");
  await expectCountsExact();
  await build.move(ids[0], "RECORDS_COLLECTION");
  await build.move(ids[2], "WITHDRAWN");
  await expectCountsExact();
  expect((await countsPerStatus()).actual).toMatchObject({ ON_HOLD: 1, WITHDRAWN: 1 });
});

test("rows written, erased, restored to a status, deleted and rolled back in SQL keep the counts exact", async () => {
  const id = await insertCase(server.db, f.otherPatient.patientId, f.coordinator.userId, "CASE_ORGANISATION");
  await expectCountsExact();
  await server.db.query(`UPDATE medical_case SET erased_at = now() WHERE id = $1`, [id]);
  await expectCountsExact();
  // An erased case changing status is not counted under either status.
  await server.db.query(`UPDATE medical_case SET status = 'CLOSED' WHERE id = $1`, [id]);
  await expectCountsExact();
  await server.db.query(`UPDATE medical_case SET erased_at = NULL, status = 'TRANSLATION' WHERE id = $1`, [id]);
  await expectCountsExact();
  // An update that changes neither the status nor erasure takes no counter row.
  await server.db.query(`UPDATE medical_case SET status = status, reason = 'Same status' WHERE id = $1`, [id]);
  await expectCountsExact();
  await server.db.transaction(async (manager) => {
    await manager.query(`UPDATE medical_case SET status = 'PATHWAY_ASSESSMENT' WHERE id = $1`, [id]);
    throw new Error("roll back");
  }).catch((error: Error) => expect(error.message).toBe("roll back"));
  await expectCountsExact();
  await server.db.query(`DELETE FROM case_event WHERE case_id = $1`, [id]);
  await server.db.query(`DELETE FROM medical_case WHERE id = $1`, [id]);
  await expectCountsExact();
});

test("cases changed side by side, in both directions between the same statuses, neither deadlock nor lose a count", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) ids.push(await insertCase(server.db, f.patient.patientId, f.coordinator.userId, i % 2 === 0 ? "TRANSLATION" : "PATHWAY_ASSESSMENT"));
  // Each transaction moves one case from each status to the other, in opposite orders, and erases another in one statement.
  const swap = `UPDATE medical_case SET status = CASE status WHEN 'TRANSLATION' THEN 'PATHWAY_ASSESSMENT' ELSE 'TRANSLATION' END WHERE id = ANY($1::uuid[])`;
  await Promise.all(
    [0, 4, 8].map((at) =>
      server.db.transaction(async (manager) => {
        await manager.query(swap, [[ids[at], ids[at + 1]]]);
        await manager.query(`SELECT pg_sleep(0.02)`);
        await manager.query(`UPDATE medical_case SET erased_at = now() WHERE id = ANY($1::uuid[])`, [[ids[at + 3], ids[at + 2]]]);
      }),
    ),
  );
  await expectCountsExact();
});

test("a search is counted over the matching cases, not from the kept counts", async () => {
  const [{ reference }] = await server.db.query(`SELECT reference FROM medical_case WHERE erased_at IS NULL ORDER BY opened_at LIMIT 1`);
  expect(await totalAsStaff({ search: reference })).toBe(1);
  expect(await totalAsStaff({ search: "no-such-reference-anywhere" })).toBe(0);
});

test("the staff's total is read from the kept counts, not counted over the cases", async () => {
  const before = await totalAsStaff();
  await server.db.query(`INSERT INTO case_status_count (status, cases) VALUES ('RECORDS_COLLECTION', 1000)`);
  try {
    expect(await totalAsStaff()).toBe(before + 1000);
    expect(await totalAsStaff({ status: ["CLOSED"] })).toBe((await countsPerStatus()).actual.CLOSED ?? 0);
  } finally {
    await server.db.query(`INSERT INTO case_status_count (status, cases) VALUES ('RECORDS_COLLECTION', -1000)`);
  }
  await expectCountsExact();
});

test("transactions that change several cases one statement at a time, in opposite status orders, do not deadlock", async () => {
  // As revoking consent (each active case put on hold) and erasing a patient (each case withdrawn) do.
  const [a, b, c, d] = [
    await insertCase(server.db, f.patient.patientId, f.coordinator.userId, "TRANSLATION"),
    await insertCase(server.db, f.patient.patientId, f.coordinator.userId, "CASE_ORGANISATION"),
    await insertCase(server.db, f.otherPatient.patientId, f.coordinator.userId, "CASE_ORGANISATION"),
    await insertCase(server.db, f.otherPatient.patientId, f.coordinator.userId, "TRANSLATION"),
  ];
  const hold = `UPDATE medical_case SET held_from = status, status = 'ON_HOLD' WHERE id = $1`;
  const holdBoth = (first: string, second: string) =>
    server.db.transaction(async (manager) => {
      await manager.query(hold, [first]);
      await manager.query(`SELECT pg_sleep(0.2)`);
      await manager.query(hold, [second]);
    });
  await Promise.all([holdBoth(a, b), holdBoth(c, d)]);
  await expectCountsExact();
});

test("folding the count rows keeps every total, while cases change alongside", async () => {
  const writes = Array.from({ length: 8 }, (_, i) => insertCase(server.db, f.patient.patientId, f.coordinator.userId, i % 2 ? "TRANSLATION" : "OPTION_MAPPING"));
  await Promise.all([...writes, compactCaseCounts(server.db), compactCaseCounts(server.db)]);
  await expectCountsExact();
  server.statements.length = 0;
  await compactCaseCounts(server.db);
  // What tests that count a request's statements recognise as background work.
  expect(server.statements.filter(isCountFolding)).toHaveLength(1);
  const rows = await server.db.query(`SELECT status, count(*)::int AS n FROM case_status_count GROUP BY status`);
  for (const row of rows) expect(row.n).toBe(1);
  await expectCountsExact();
});

test("truncating the cases empties their counts (last: it removes every case)", async () => {
  await server.db.query(`TRUNCATE medical_case CASCADE`);
  expect(await server.db.query(`SELECT * FROM case_status_count`)).toEqual([]);
  expect(await totalAsStaff()).toBe(0);
});
