import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import { insertCase } from "../support/sql-seed";

/**
 * `cases` pages on a key that no change to a case moves: a client paging while cases on
 * every page change (those already returned and those still to come) sees each case once.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const allIds: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "page");
  build = new CaseBuilder(server, f.coordinator.token);
  for (let i = 0; i < 6; i++) allIds.push(await build.openCase(i % 2 === 0 ? f.patient.patientId : f.otherPatient.patientId));
  // Six cases opened in one transaction share their opened_at: the id breaks the tie.
  await server.db.transaction(async (manager) => {
    for (let i = 0; i < 6; i++) allIds.push(await insertCase(manager, f.patient.patientId, f.coordinator.userId));
  });
});
afterAll(() => server.close());

const PAGE = `query($first: Int, $after: String, $filter: CaseFilter) {
  cases(first: $first, after: $after, filter: $filter) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id status } } }
}`;

/** A change to a case through the API (a record added: an event, so updated_at and version move). */
async function touch(caseId: string): Promise<void> {
  ok(
    await server.gql(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
      { input: { caseId, kind: "LAB_RESULT", title: "Blood count", language: "EN" } },
      f.coordinator.token,
    ),
  );
}

/** Pages through `cases` as `token`, changing after every page each case not yet returned and the first one returned on that page. */
async function pageWhileChanging(token: string, first: number, filter?: Record<string, unknown>): Promise<string[]> {
  const seen: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 50; guard++) {
    const page: any = ok(await server.gql(PAGE, { first, after, filter }, token)).cases;
    const ids: string[] = page.edges.map((e: { node: { id: string } }) => e.node.id);
    seen.push(...ids);
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
    const pending = allIds.filter((id) => !seen.includes(id));
    for (const id of [ids[0], ...pending]) await touch(id);
  }
  throw new Error("paging did not end");
}

test("a coordinator paging while cases on every page change sees each case exactly once", async () => {
  const seen = await pageWhileChanging(f.coordinator.token, 4);
  expect(seen).toHaveLength(allIds.length);
  expect([...seen].sort()).toEqual([...allIds].sort());
});

test("the status filter is kept, and a patient pages through only their own cases, each once", async () => {
  const filtered = await pageWhileChanging(f.coordinator.token, 3, { status: ["RECORDS_COLLECTION"] });
  expect([...filtered].sort()).toEqual([...allIds].sort());

  const own: string[] = (await server.db.query(`SELECT id FROM medical_case WHERE patient_id = $1`, [f.patient.patientId])).map((r: { id: string }) => r.id);
  const seen = await pageWhileChanging(f.patient.token, 2);
  expect(seen).toHaveLength(own.length);
  expect([...seen].sort()).toEqual([...own].sort());
  expect(ok(await server.gql(PAGE, { first: 2, filter: { status: ["CLOSED"] } }, f.coordinator.token)).cases.edges).toEqual([]);
});

test("the order is newest opened first, whatever changed last", async () => {
  await touch(allIds[0]);
  const ids = ok(await server.gql(PAGE, { first: 100 }, f.coordinator.token)).cases.edges.map((e: { node: { id: string } }) => e.node.id);
  const rows: Array<{ id: string }> = await server.db.query(`SELECT id FROM medical_case ORDER BY opened_at DESC, id DESC`);
  expect(ids).toEqual(rows.map((r) => r.id));
  expect(ids[ids.length - 1]).toBe(allIds[0]);
});
