import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, isBackgroundStatement, ok, startTestServer, type TestServer } from "../support/server";
import { seedCases } from "../support/sql-seed";

/**
 * Queries run compiled (graphql-jit behind Apollo, server/schema/jit-executor.ts): what a client
 * sees must not change with that, and a compiled query is shared by viewers, its results never.
 */

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
  await seedCases(server.db, { count: 3, coordinatorUserId: f.coordinator.userId, reviewerIds: [], assignmentsPerCase: 0, recordsPerCase: 1, keyRing: server.runtime.keyRing });
});
afterAll(() => server.close());

async function post(body: Record<string, unknown>, token: string) {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors: Array<{ message: string; extensions: Record<string, unknown> }> } };
}

test("an operationName that names no operation of the document is refused, and nothing of the document runs", async () => {
  server.statements.length = 0;
  const answer = await post({ query: `mutation Only { signOut(refreshToken: "not-a-token") }`, operationName: "Other" }, f.coordinator.token);
  expect(answer.status).toBe(400);
  expect(answer.body.data).toBeUndefined();
  expect(answer.body.errors[0].extensions.code).toBe("OPERATION_RESOLUTION_FAILURE");
  expect(answer.body.errors[0].message).toBe('Unknown operation named "Other".');
  expect(server.statements.filter((sql) => !isBackgroundStatement(sql))).toEqual([]);
});

test("a variable of the wrong type is BAD_USER_INPUT with graphql-js's words, before any resolver", async () => {
  server.statements.length = 0;
  const answer = await post({ query: "query Page($first: Int!) { cases(first: $first) { totalCount } }", variables: { first: "many" } }, f.coordinator.token);
  expect(answer.status).toBe(400);
  expect(answer.body.errors[0].extensions.code).toBe("BAD_USER_INPUT");
  expect(answer.body.errors[0].message).toMatch(/^Variable "\$first" got invalid value "many"/);
  expect(server.statements.filter((sql) => !isBackgroundStatement(sql))).toEqual([]);
});

test("an error inside a compiled list keeps its code, field and path, and nulls up to the nearest nullable field as graphql-js does", async () => {
  const answer = await server.gql(`{ cases(first: 2) { totalCount edges { node { reference records(first: 1000) { id } } } } }`, {}, f.coordinator.token);
  expect(answer.status).toBe(200);
  expect(answer.data).toBeNull();
  expect(answer.errors).toHaveLength(1);
  expect(answer.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  expect(answer.errors?.[0].extensions?.field).toBe("first");
  expect(answer.errors?.[0].path).toEqual(["cases", "edges", 0, "node", "records"]);
  const missing = await server.gql(`query One($id: ID!) { case(id: $id) { id } }`, { id: "00000000-0000-4000-8000-000000000000" }, f.coordinator.token);
  expect(failure(missing).code).toBe("NOT_FOUND");
  expect(missing.data).toEqual({ case: null });
  expect(missing.errors?.[0].path).toEqual(["case"]);
});

test("one compiled query, each viewer's own answer", async () => {
  const query = `query Mine { cases(first: 50) { totalCount edges { node { id patient { fullName } } } } }`;
  for (let round = 0; round < 2; round++) {
    const staff = ok(await server.gql(query, {}, f.coordinator.token));
    const patient = ok(await server.gql(query, {}, f.patient.token));
    expect(staff.cases.totalCount).toBeGreaterThanOrEqual(3);
    expect(staff.cases.edges.some((e: { node: { patient: { fullName: string } } }) => e.node.patient.fullName.startsWith("Seeded Patient"))).toBe(true);
    expect(patient.cases.edges.every((e: { node: { patient: { fullName: string } } }) => !e.node.patient.fullName.startsWith("Seeded Patient"))).toBe(true);
    expect(patient.cases.totalCount).toBe(patient.cases.edges.length);
  }
});
