import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";
import { connect } from "../support/ws-client";

let server: TestServer;
let production: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  production = await startTestServer({ production: true, metricsToken: "metrics-token-for-tests" });
  f = await createFixtures(server, "met");
});
afterAll(async () => {
  await server.close();
  await production.close();
});

const scrape = async (target: TestServer, headers: Record<string, string> = {}) => {
  const response = await fetch(`${target.url}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
};

/** The value of one sample line, e.g. `name{label="x"}`. */
const sample = (text: string, series: string) => {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

test("GET /metrics counts requests per operation, errors by code, sockets and subscriptions", async () => {
  ok(await server.gql(`query Anything { viewer { id } }`, {}, f.coordinator.token));
  await server.gql(`query { case(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, f.coordinator.token);
  const client = connect(server, f.coordinator.token);
  const subscription = client.subscribe(`subscription { caseStatusChanged { id } }`);
  try {
    // The subscription registers asynchronously after the socket opens: scrape until it shows (or fail after 10 s).
    let { status, text } = await scrape(server);
    for (const deadline = Date.now() + 10_000; !(sample(text, "meridian_subscriptions_active")! >= 1) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      ({ status, text } = await scrape(server));
    }
    expect(status).toBe(200);
    // Labelled by the schema's root fields, never by the client's operation name.
    expect(sample(text, 'meridian_graphql_requests_total{operation="Query.viewer"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain("Anything");
    expect(sample(text, 'meridian_graphql_errors_total{code="NOT_FOUND"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, "meridian_websockets_open")).toBeGreaterThanOrEqual(1);
    expect(sample(text, "meridian_subscriptions_active")).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'meridian_db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, "meridian_outbox_backlog_events")).toBeGreaterThanOrEqual(0);
    expect(text).toContain("meridian_graphql_request_duration_seconds_bucket");
    expect(text).toContain("meridian_event_delivery_lag_seconds_count");
  } finally {
    subscription.unsubscribe();
    await client.dispose();
  }
});

test("production: /metrics only with the bearer token", async () => {
  expect((await scrape(production)).status).toBe(401);
  expect((await scrape(production, { authorization: "Bearer wrong-token-for-tests!!" })).status).toBe(401);
  expect((await scrape(production, { authorization: "Bearer metrics-token-for-tests" })).status).toBe(200);
});
