import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
});
afterAll(() => server.close());

test("a coordinator opens a case and sees it on the dashboard", async () => {
  const opened = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id reference status version } }`, { input: { patientId: f.patient.patientId, reason: "Is my plan right?" } }, f.coordinator.token));
  expect(opened.openCase).toMatchObject({ status: "RECORDS_COLLECTION", version: 1 });
  const list = ok(await server.gql(`{ cases(first: 5) { totalCount edges { node { id patient { fullName } } } } }`, {}, f.coordinator.token));
  expect(list.cases.totalCount).toBe(1);
  expect(list.cases.edges[0].node.patient.fullName).toBe("Margaret Holloway");
});
