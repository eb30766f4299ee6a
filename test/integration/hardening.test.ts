import { GRAPHQL_LIMITS } from "../../server/schema/armor";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, isBackgroundStatement, ok, startTestServer, type TestServer } from "../support/server";
import { connect } from "../support/ws-client";

let server: TestServer;
let production: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer({ allowedOrigins: ["https://app.meridian.example"] });
  production = await startTestServer({ production: true });
  f = await createFixtures(server);
});
afterAll(async () => {
  await server.close();
  await production.close();
});

const post = (target: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${target.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

/** A query nested `depth` levels deep through assignments > case > assignments ... */
function deepQuery(depth: number): string {
  let selection = "id";
  for (let i = 0; i < depth; i++) selection = i % 2 === 0 ? `case { id assignments { ${selection} } }` : `assignments { ${selection} }`;
  return `{ cases { edges { node { assignments { ${selection} } } } } }`;
}

test("documents over the limits are refused before any SQL runs", async () => {
  const cases: Array<[string, string]> = [
    ["depth", deepQuery(GRAPHQL_LIMITS.maxDepth)],
    ["aliases", `{ ${Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }`],
    ["tokens", `{ viewer { ${Array.from({ length: GRAPHQL_LIMITS.maxTokens }, () => "id").join(" ")} } }`],
    ["directives", `{ viewer { id ${Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => "@include(if: true)").join(" ")} } }`],
  ];
  for (const [limit, query] of cases) {
    server.statements.length = 0;
    const response = await server.gql(query, {}, f.coordinator.token);
    expect({ limit, code: failure(response).code }).toEqual({ limit, code: "GRAPHQL_VALIDATION_FAILED" });
    expect({ limit, statements: server.statements.filter((sql) => !isBackgroundStatement(sql)).length }).toEqual({ limit, statements: 0 });
  }
  // Not even the viewer was looked up; a document within the limits runs.
  expect(ok(await server.gql(`{ viewer { id } }`, {}, f.coordinator.token)).viewer.id).toBe(f.coordinator.userId);
});

test("batched requests are refused, so one request cannot carry many login attempts", async () => {
  const response = await post(server, [{ query: "{ viewer { id } }" }, { query: "{ viewer { id } }" }]);
  expect(response.status).toBe(400);
});

test("browser origins are checked against the allow-list; clients without an Origin are allowed", async () => {
  expect((await post(server, { query: "{ viewer { id } }" })).status).toBe(200);
  expect((await post(server, { query: "{ viewer { id } }" }, { origin: "https://app.meridian.example" })).status).toBe(200);
  expect((await post(server, { query: "{ viewer { id } }" }, { origin: new URL(server.url).origin })).status).toBe(200);
  const refused = await post(server, { query: "{ viewer { id } }" }, { origin: "https://evil.example" });
  expect(refused.status).toBe(403);
  const preflight = await fetch(`${server.url}/graphql`, { method: "OPTIONS", headers: { origin: "https://app.meridian.example", "access-control-request-method": "POST" } });
  expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.meridian.example");
  // The WebSocket upgrade is refused the same way.
  const ws = await new Promise<number>((resolve) => {
    const WebSocket = require("ws");
    const socket = new WebSocket(`${server.url.replace("http", "ws")}/graphql`, "graphql-transport-ws", { origin: "https://evil.example" });
    socket.on("unexpected-response", (_req: unknown, res: { statusCode: number }) => resolve(res.statusCode));
    socket.on("open", () => resolve(101));
  });
  expect(ws).toBe(401);
});

test("CSRF: a simple cross-site form post cannot run an operation", async () => {
  const response = await fetch(`${server.url}/graphql?query=${encodeURIComponent("{ viewer { id } }")}`, { method: "GET" });
  expect(response.status).toBe(400);
});

test("helmet's headers are set and the request id is returned", async () => {
  const response = await post(server, { query: "{ viewer { id } }" });
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
  expect(response.headers.get("strict-transport-security")).toContain("max-age=");
  expect(response.headers.get("x-powered-by")).toBeNull();
  expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
});

test("request bodies over 1 MB are refused", async () => {
  const response = await post(server, { query: "{ viewer { id } }", variables: { padding: "x".repeat(1_100_000) } });
  expect(response.status).toBe(413);
});

test("production: no introspection, no field suggestions, no stack traces", async () => {
  const introspection = await production.gql(`{ __schema { types { name } } }`);
  expect(failure(introspection).code).toBe("GRAPHQL_VALIDATION_FAILED");
  const typo = await production.gql(`{ viewr { id } }`);
  expect(typo.raw).not.toMatch(/Did you mean/i);
  const development = await server.gql(`{ viewr { id } }`);
  expect(development.raw).toMatch(/Did you mean/i);
  expect(typo.raw).not.toMatch(/stacktrace|\bat \w+ \(/);
});

test("a live subscription over a socket obeys the same limits", async () => {
  const client = connect(server, f.coordinator.token);
  const aliases = Array.from({ length: GRAPHQL_LIMITS.maxAliases + 1 }, (_, i) => `a${i}: id`).join(" ");
  const subscription = client.subscribe(`subscription { caseStatusChanged { ${aliases} } }`);
  await subscription.waitForEnd();
  expect(JSON.stringify(subscription.error)).toMatch(/alias/i);
  await client.dispose();
});

describe("absolute URLs are built on the configured public URL, never on the Host header", () => {
  let configured: TestServer;
  let cf: Fixtures;
  beforeAll(async () => {
    configured = await startTestServer({ publicUrl: "https://meridian.example" });
    cf = await createFixtures(configured, "pub");
  });
  afterAll(() => configured.close());

  const forgedHost = { host: "evil.example", "x-forwarded-host": "evil.example" };
  const linksAnswered = async (target: TestServer, fx: Fixtures) => {
    const newcomer = ok(
      await target.gql(`mutation($input: CreatePatientInput!) { createPatient(input: $input) { userId } }`, { input: { fullName: "Nova Newcomer", dateOfBirth: "1970-02-03", email: `nova.${Date.now()}@example.org`, preferredLanguage: "EN" } }, fx.coordinator.token),
    ).createPatient;
    const caseId = ok(await target.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: fx.patient.patientId, reason: "Second opinion" } }, fx.coordinator.token)).openCase.id;
    const record = await post(
      target,
      { query: `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { uploadUrl } }`, variables: { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Pathology", language: "EN", documentDate: "2026-01-15" } } },
      { authorization: `Bearer ${fx.coordinator.token}`, ...forgedHost },
    );
    const invitation = await post(
      target,
      { query: `mutation($id: ID!) { issueAccountInvitation(userId: $id) }`, variables: { id: newcomer.userId } },
      { authorization: `Bearer ${fx.coordinator.token}`, ...forgedHost },
    );
    const recordBody = (await record.json()) as { data: { addMedicalRecord: { uploadUrl: string } } };
    const invitationBody = (await invitation.json()) as { data: { issueAccountInvitation: string } };
    return [recordBody.data.addMedicalRecord.uploadUrl, invitationBody.data.issueAccountInvitation];
  };

  test("MERIDIAN_PUBLIC_URL when set", async () => {
    for (const link of await linksAnswered(configured, cf)) expect(link).toMatch(/^https:\/\/meridian\.example\/(documents\/upload|activate)/);
  });

  test("http://localhost:PORT by default", async () => {
    const port = new URL(server.url).port;
    for (const link of await linksAnswered(server, f)) expect(link.startsWith(`http://localhost:${port}/`)).toBe(true);
  });
});
