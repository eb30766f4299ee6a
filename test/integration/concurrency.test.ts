import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
});
afterAll(() => server.close());

const CONCURRENT = 50;

test(`${CONCURRENT} coordinators moving one case from the same version: one wins, the rest get CONFLICT`, async () => {
  const opened = ok(
    await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id version } }`, { input: { patientId: f.patient.patientId, reason: "Second opinion" } }, f.coordinator.token),
  ).openCase;
  // With its document: a record counts for the records gate once its bytes arrived.
  await new CaseBuilder(server, f.coordinator.token).addRecord(opened.id, { title: "Biopsy report" });
  const before = ok(await server.gql(`query($id: ID!) { case(id: $id) { status version } }`, { id: opened.id }, f.coordinator.token)).case;
  expect(before.status).toBe("RECORDS_COLLECTION");
  const [{ count: eventsBefore }] = await server.db.query(`SELECT count(*)::int AS count FROM case_event WHERE case_id = $1 AND type = 'STATUS_CHANGED'`, [opened.id]);

  const transition = `mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: CASE_ORGANISATION, expectedVersion: $v) { status version } }`;
  const responses = await Promise.all(
    Array.from({ length: CONCURRENT }, () => server.gql(transition, { id: opened.id, v: before.version }, f.coordinator.token)),
  );

  const successes = responses.filter((r) => !r.errors?.length && r.data?.transitionCase);
  const failures = responses.filter((r) => r.errors?.length);
  const codes = failures.map((r) => failure(r).code);
  expect(successes).toHaveLength(1);
  expect(successes[0].data!.transitionCase).toEqual({ status: "CASE_ORGANISATION", version: before.version + 1 });
  expect(failures).toHaveLength(CONCURRENT - 1);
  expect(codes).toEqual(Array(CONCURRENT - 1).fill("CONFLICT"));
  for (const r of failures) expect(failure(r).extensions.field).toBe("expectedVersion");

  const after = ok(await server.gql(`query($id: ID!) { case(id: $id) { status version } }`, { id: opened.id }, f.coordinator.token)).case;
  expect(after).toEqual({ status: "CASE_ORGANISATION", version: before.version + 1 });
  const statusEvents = await server.db.query(
    `SELECT from_status, to_status FROM case_event WHERE case_id = $1 AND type = 'STATUS_CHANGED' ORDER BY id`,
    [opened.id],
  );
  expect(statusEvents.length - eventsBefore).toBe(1);
  expect(statusEvents[statusEvents.length - 1]).toEqual({ from_status: "RECORDS_COLLECTION", to_status: "CASE_ORGANISATION" });
  // version counts events: every event of the case, and nothing else, moved it.
  const [{ count: allEvents }] = await server.db.query(`SELECT count(*)::int AS count FROM case_event WHERE case_id = $1`, [opened.id]);
  expect(after.version).toBe(allEvents);
});
