import { createFixtures, type Fixtures } from "../support/fixtures";
import { isBackgroundStatement, ok, startTestServer, type TestServer } from "../support/server";
import { insertReviewer, seedCases } from "../support/sql-seed";

/**
 * The coordinator dashboard must cost a constant number of SQL statements whatever
 * the page size: every nested field goes through the request's DataLoaders (no N+1).
 */

let server: TestServer;
let f: Fixtures;
let reviewerIds: string[];

const DASHBOARD = `query($first: Int!) {
  cases(first: $first) {
    totalCount
    edges { node { id reference status patient { fullName } assignments { status reviewer { displayName institution } } recordCount } }
  }
}`;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
  reviewerIds = [];
  for (let i = 0; i < 6; i++) reviewerIds.push((await insertReviewer(server.db, `Dr Seed ${i}`, `Institute ${i}`)).reviewerId);
});
afterAll(() => server.close());

async function seed(count: number) {
  await seedCases(server.db, {
    count,
    coordinatorUserId: f.coordinator.userId,
    reviewerIds,
    assignmentsPerCase: 3,
    recordsPerCase: 2,
    keyRing: server.runtime.keyRing,
  });
}


async function dashboard(first: number) {
  server.statements.length = 0;
  const data = ok(await server.gql(DASHBOARD, { first }, f.coordinator.token));
  const statements = server.statements.filter((sql) => !isBackgroundStatement(sql));
  return { data, statements };
}

test("the dashboard costs as many SQL statements for 50 cases as for 10", async () => {
  await seed(10);
  const small = await dashboard(10);
  expect(small.data.cases.totalCount).toBe(10);
  expect(small.data.cases.edges).toHaveLength(10);

  await seed(40);
  const large = await dashboard(50);
  expect(large.data.cases.totalCount).toBe(50);
  expect(large.data.cases.edges).toHaveLength(50);

  // The data is really there (what the statements fetched).
  for (const { node } of large.data.cases.edges) {
    expect(node.patient.fullName).toMatch(/^Seeded Patient /);
    expect(node.recordCount).toBe(2);
    expect(node.assignments).toHaveLength(3);
    for (const a of node.assignments) {
      expect(a.status).toBe("INVITED");
      expect(a.reviewer.displayName).toMatch(/^Dr Seed \d$/);
      expect(a.reviewer.institution).toMatch(/^Institute \d$/);
    }
  }

  if (process.env.SHOW_SQL) console.log(large.statements.join("\n"));
  console.log(`dashboard SQL statements: ${small.statements.length} for 10 cases, ${large.statements.length} for 50 cases`);
  if (small.statements.length !== large.statements.length) {
    throw new Error(
      `N+1: ${small.statements.length} statements for 10 cases, ${large.statements.length} for 50\n--- 10 cases:\n${small.statements.join("\n")}\n--- 50 cases:\n${large.statements.join("\n")}`,
    );
  }
  expect(large.statements.length).toBe(small.statements.length);
  // The viewer; the page with its count, patients and record counts; assignments with their reviewers and names; the read audit.
  expect(large.statements.length).toBeLessThanOrEqual(4);
  expect(large.statements.filter((sql) => /^\s*INSERT/i.test(sql))).toHaveLength(1);
});
