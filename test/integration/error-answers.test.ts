import { GRAPHQL_LIMITS } from "../../server/schema/armor";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { connect } from "../support/ws-client";

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server, "err");
});
afterAll(() => server.close());

test("unknown routes answer JSON 404, whatever the method or prefix", async () => {
  for (const [method, path] of [["GET", "/nope"], ["POST", "/nope"], ["GET", "/graphql/extra"], ["GET", "/documents/nope"], ["DELETE", "/healthz"], ["GET", "/.env"]]) {
    const response = await fetch(`${server.url}${path}`, { method });
    expect({ method, path, status: response.status, type: response.headers.get("content-type") }).toEqual({ method, path, status: 404, type: expect.stringMatching(/^application\/json/) });
    expect(await response.json()).toMatchObject({ code: "NOT_FOUND" });
  }
});

/** The first error of the document sent as a subscription over a real socket. */
async function overWebSocket(query: string, variables?: Record<string, unknown>) {
  const client = connect(server, f.coordinator.token);
  try {
    const subscription = client.subscribe(query, variables);
    await subscription.waitForEnd();
    return (subscription.error as Array<{ message: string; extensions: Record<string, unknown> }>)[0];
  } finally {
    await client.dispose();
  }
}

describe("a document over a limit says which limit, the same over HTTP and the WebSocket", () => {
  // A selection on Case nested past the depth limit: assignments > case > assignments > ...
  let nested = "id";
  for (let i = 0; i <= GRAPHQL_LIMITS.maxDepth / 2; i++) nested = `assignments { case { ${nested} } }`;
  const costly = "events(first: 500) { id case { events(first: 500) { id note } } }";
  const cases: Array<[string, string, string]> = [
    ["maxDepth", `query { cases { edges { node { ${nested} } } } }`, `subscription { caseStatusChanged { case { ${nested} } } }`],
    ["maxCost", `query { cases(first: 100) { edges { node { ${costly} } } } }`, `subscription { caseStatusChanged { case { ${costly} } } }`],
    ["maxTokens", `query { viewer { ${"id ".repeat(GRAPHQL_LIMITS.maxTokens)} } }`, `subscription { caseStatusChanged { ${"id ".repeat(GRAPHQL_LIMITS.maxTokens)} } }`],
  ];
  test.each(cases)("%s", async (limit, query, subscription) => {
    const response = await server.gql(query, {}, f.coordinator.token);
    // Every error of the answer is a limit refusal (a deep document may also cost too much), one of them this limit.
    expect(response.errors!.every((error) => typeof error.extensions?.limit === "string")).toBe(true);
    const found = response.errors!.find((error) => error.extensions?.limit === limit)!;
    const http = { message: found.message, extensions: found.extensions! };
    const ws = await overWebSocket(subscription);
    expect(http.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", limit });
    // A subscription runs for every event: its own, smaller limits may be the ones hit.
    expect(ws.extensions.limit === limit || String(ws.extensions.limit).startsWith("maxSubscription")).toBe(true);
    for (const refusal of [{ message: http.message, extensions: http.extensions }, ws]) {
      expect(refusal.message).not.toMatch(/syntax error/i);
      expect(refusal.message).toMatch(/limit of \d+ exceeded/i);
      expect(refusal.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", max: GRAPHQL_LIMITS[refusal.extensions.limit as keyof typeof GRAPHQL_LIMITS] });
    }
  });
});

test("a change to a withdrawn case says withdrawn, not closed", async () => {
  const build = new CaseBuilder(server, f.coordinator.token);
  const caseId = await build.openCase(f.patient.patientId);
  await build.move(caseId, "WITHDRAWN");
  const error = failure(
    await server.gql(`mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`, { input: { caseId, language: "EN", histology: "Adenocarcinoma" } }, f.coordinator.token),
  );
  expect(error.code).toBe("BAD_USER_INPUT");
  expect(error.message).toMatch(/withdrawn/i);
  expect(error.message).not.toMatch(/closed/i);
});

describe("extensions.field names the input field the same way, whatever the variables are called", () => {
  const patient = { fullName: "Field Path", dateOfBirth: "1960-01-01", email: "field.path@test.meridian", preferredLanguage: "FR" };
  test("a variable holding the whole input", async () => {
    const error = failure(await server.gql(`mutation($anything: CreatePatientInput!) { createPatient(input: $anything) { id } }`, { anything: patient }, f.coordinator.token));
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.preferredLanguage" } });
  });
  test("a variable inside an input literal", async () => {
    const error = failure(
      await server.gql(
        `mutation($lang: Language!) { createPatient(input: { fullName: "Field Path", dateOfBirth: "1960-01-01", email: "field.path2@test.meridian", preferredLanguage: $lang }) { id } }`,
        { lang: "FR" },
        f.coordinator.token,
      ),
    );
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.preferredLanguage" } });
  });
  test("a nested list item, and a domain check, name the same kind of path", async () => {
    const caseId = await new CaseBuilder(server, f.coordinator.token).openCase(f.patient.patientId);
    const coercion = failure(
      await server.gql(`mutation($s: SaveCaseSummaryInput!) { saveCaseSummary(input: $s) { id } }`, { s: { caseId, language: "EN", biomarkers: [{ name: "EGFR", result: "neg" }, { name: "ALK" }] } }, f.coordinator.token),
    );
    expect(coercion.extensions.field).toBe("input.biomarkers.1.result");
    const domain = failure(await server.gql(`mutation($s: SaveCaseSummaryInput!) { saveCaseSummary(input: $s) { id } }`, { s: { caseId, language: "EN", questionsForReviewers: ["ok", " "] } }, f.coordinator.token));
    expect(domain.extensions.field).toBe("input.questionsForReviewers.1");
  });
  test("over the WebSocket too", async () => {
    const caseId = await new CaseBuilder(server, f.coordinator.token).openCase(f.patient.patientId);
    const error = await overWebSocket(`subscription($c: ID!, $from: ID) { caseActivity(caseId: $c, after: $from) { id } }`, { c: caseId, from: { not: "an id" } });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    ok(await server.gql(`{ viewer { id } }`, {}, f.coordinator.token));
  });
});
