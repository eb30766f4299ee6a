import { parse } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { followCase } from "../../schema/operations/live-updates";
import { Role } from "../../server/common/enums";
import { appendEvents } from "../../server/events/outbox";
import { CaseEventType } from "../../server/common/enums";
import { createFixtures, PASSWORD, tokenFor, type Fixtures } from "../support/fixtures";
import { failure, isBackgroundStatement, ok, startServerOn, startTestServer, type TestServer } from "../support/server";
import { spawnServer } from "../support/child-server";
import { connect, type WsClient } from "../support/ws-client";

let server: TestServer;
let f: Fixtures;
const clients: WsClient[] = [];

beforeAll(async () => {
  // Signals only (no timed re-reads), so statement counts measure deliveries alone.
  server = await startTestServer({ outboxPollMs: 0, subscriptionsPerSocket: 50 });
  f = await createFixtures(server);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server.close());

const open = (token?: string, target: TestServer | string = server) => {
  const client = connect(target, token);
  clients.push(client);
  return client;
};

async function openCase(patientId = f.patient.patientId): Promise<string> {
  return ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId, reason: "Review please" } }, f.coordinator.token)).openCase.id;
}

async function version(caseId: string): Promise<number> {
  return ok(await server.gql(`query($id: ID!) { case(id: $id) { version } }`, { id: caseId }, f.coordinator.token)).case.version;
}

async function hold(caseId: string, note = "waiting", target: TestServer = server) {
  return ok(
    await target.gql(
      `mutation($id: ID!, $v: Int!, $note: String) { transitionCase(id: $id, to: ON_HOLD, expectedVersion: $v, note: $note) { status } }`,
      { id: caseId, v: await version(caseId), note },
      f.coordinator.token,
    ),
  );
}

async function resume(caseId: string) {
  return ok(await server.gql(`mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: RECORDS_COLLECTION, expectedVersion: $v) { status } }`, { id: caseId, v: await version(caseId) }, f.coordinator.token));
}

async function eventIds(caseId: string): Promise<string[]> {
  return ok(await server.gql(`query($id: ID!) { case(id: $id) { events { id } } }`, { id: caseId }, f.coordinator.token)).case.events.map((e: { id: string }) => e.id);
}

const STATUS = `subscription($caseId: ID) { caseStatusChanged(caseId: $caseId) { id type fromStatus toStatus note case { id status } } }`;
const ACTIVITY = `subscription($caseId: ID!, $after: ID) { caseActivity(caseId: $caseId, after: $after) { id type case { id reason patient { fullName } } } }`;

test("a socket without a valid token is closed with 4401", async () => {
  expect((await open().closed).code).toBe(4401);
  expect((await open("not-a-token").closed).code).toBe(4401);
});

test("a socket whose token expires is closed with 4403", async () => {
  const shortLived = await tokenFor(server, f.coordinator.userId, Role.COORDINATOR, 3);
  const client = open(shortLived);
  // It was accepted (a live subscription) and then closed for expiry, not refused at connection_init.
  const anyCaseBefore = server.app.hub.stats().anyCase;
  client.subscribe(STATUS, {});
  for (let i = 0; i < 80 && server.app.hub.stats().anyCase === anyCaseBefore; i++) await new Promise((r) => setTimeout(r, 25));
  expect(server.app.hub.stats().anyCase).toBe(anyCaseBefore + 1);
  expect((await client.closed).code).toBe(4403);
});

test("coordinators follow status changes of every case, and of one case", async () => {
  const caseId = await openCase();
  const client = open(f.coordinator.token);
  const all = client.subscribe(STATUS, {});
  const one = client.subscribe(STATUS, { caseId });
  await new Promise((r) => setTimeout(r, 200));
  await hold(caseId, "imaging pending");
  await all.waitFor(1);
  await one.waitFor(1);
  expect(all.results[0].data.caseStatusChanged).toMatchObject({ type: "STATUS_CHANGED", fromStatus: "RECORDS_COLLECTION", toStatus: "ON_HOLD", note: "imaging pending", case: { id: caseId, status: "ON_HOLD" } });
  expect(one.results[0]).toEqual(all.results[0]);
});

test("caseActivity replays after an id, then goes live, with no gap and no duplicate", async () => {
  const caseId = await openCase();
  await hold(caseId);
  await resume(caseId);
  const before = await eventIds(caseId);
  expect(before).toHaveLength(3);
  const client = open(f.coordinator.token);
  const activity = client.subscribe(ACTIVITY, { caseId, after: before[0] });
  // Changes made while the replay runs must still arrive, once each.
  await hold(caseId);
  await resume(caseId);
  await activity.waitFor(4);
  await new Promise((r) => setTimeout(r, 300));
  const received = activity.results.map((r) => r.data.caseActivity.id);
  const all = await eventIds(caseId);
  expect(received).toEqual(all.slice(1));
  expect(new Set(received).size).toBe(received.length);
  expect(activity.results[0].data.caseActivity.case).toMatchObject({ id: caseId, reason: "Review please", patient: { fullName: "Margaret Holloway" } });
});

test('"0" means from the start, for Case.events(after:) over HTTP and caseActivity(after:) over a WebSocket', async () => {
  const caseId = await openCase();
  await hold(caseId);
  const all = await eventIds(caseId);
  expect(all).toHaveLength(2);
  const fromStart = ok(await server.gql(`query($id: ID!, $after: ID) { case(id: $id) { events(after: $after) { id } } }`, { id: caseId, after: "0" }, f.coordinator.token));
  expect(fromStart.case.events.map((e: { id: string }) => e.id)).toEqual(all);
  const activity = open(f.patient.token).subscribe(ACTIVITY, { caseId, after: "0" });
  await activity.waitFor(2);
  // Then live, with no gap and no duplicate.
  await resume(caseId);
  await activity.waitFor(3);
  expect(activity.results.map((r) => r.data.caseActivity.id)).toEqual(await eventIds(caseId));
  expect(activity.results[0].data.caseActivity.type).toBe("CASE_OPENED");
  // Only "0" itself: other spellings are not ids.
  for (const after of ["00", "-1", "01"]) {
    const refused = await server.gql(`query($id: ID!, $after: ID) { case(id: $id) { events(after: $after) { id } } }`, { id: caseId, after }, f.coordinator.token);
    expect(failure(refused)).toMatchObject({ extensions: { code: "BAD_USER_INPUT", field: "after" } });
    const overWs = open(f.coordinator.token).subscribe(ACTIVITY, { caseId, after });
    await overWs.waitForEnd();
    expect(JSON.stringify(overWs.error)).toContain("BAD_USER_INPUT");
  }
});

test("a rolled-back change announces nothing", async () => {
  const caseId = await openCase();
  const client = open(f.coordinator.token);
  const activity = client.subscribe(ACTIVITY, { caseId });
  await new Promise((r) => setTimeout(r, 200));
  await server.db
    .transaction(async (manager) => {
      await appendEvents(manager, f.coordinator.userId, [{ caseId, type: CaseEventType.RECORD_ADDED }]);
      throw new Error("roll back");
    })
    .catch(() => undefined);
  await hold(caseId);
  await activity.waitFor(1);
  await server.app.listener.settle();
  expect(activity.results.map((r) => r.data.caseActivity.type)).toEqual(["STATUS_CHANGED"]);
});

test("reviewers get de-identified events and lose the subscription when consent is revoked", async () => {
  const caseId = await openCase(f.otherPatient.patientId);
  const consent = ok(
    await server.gql(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`, { input: { patientId: f.otherPatient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.coordinator.token),
  ).recordConsent;
  const invitation = ok(await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: caseId, r: f.reviewerEn.reviewerId }, f.coordinator.token)).inviteReviewer;
  ok(await server.gql(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { status } }`, { id: invitation.id }, f.reviewerEn.token));
  const outsider = open(f.reviewerZh.token).subscribe(ACTIVITY, { caseId });
  await outsider.waitForEnd();
  expect(JSON.stringify(outsider.error)).toContain("NOT_FOUND");

  const reviewer = open(f.reviewerEn.token).subscribe(ACTIVITY, { caseId });
  await new Promise((r) => setTimeout(r, 200));
  await hold(caseId, "pause");
  await reviewer.waitFor(1);
  expect(reviewer.results[0].data.caseActivity.case).toEqual({ id: caseId, reason: null, patient: null });
  expect(JSON.stringify(reviewer.results)).not.toContain("Quince");

  ok(await server.gql(`mutation($id: ID!) { revokeConsent(id: $id) { active } }`, { id: consent.id }, f.otherPatient.token));
  await reviewer.waitForEnd();
  expect(JSON.stringify(reviewer.error)).toContain("NOT_FOUND");
  expect(reviewer.results).toHaveLength(1);
});

test("the listener reconnects after its connection is killed and catches up", async () => {
  const caseId = await openCase();
  const client = open(f.coordinator.token);
  const activity = client.subscribe(ACTIVITY, { caseId });
  await new Promise((r) => setTimeout(r, 200));
  const connectionsBefore = server.app.listener.connections;
  await server.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'meridian-listener' AND datname = current_database()`);
  await hold(caseId);
  await activity.waitFor(1);
  for (let i = 0; i < 200 && server.app.listener.connections === connectionsBefore; i++) await new Promise((r) => setTimeout(r, 25));
  expect(server.app.listener.connections).toBe(connectionsBefore + 1);
  await resume(caseId);
  await activity.waitFor(2);
  expect(activity.results.map((r) => r.data.caseActivity.type)).toEqual(["STATUS_CHANGED", "STATUS_CHANGED"]);
});

test("two server processes on one database both deliver every event", async () => {
  // A second process (the compiled start command) on this server's database; changes go through this one.
  const other = await spawnServer(server.config.databaseUrl!);
  try {
    const caseId = await openCase();
    const onOther = open(f.coordinator.token, other.url).subscribe(STATUS, { caseId });
    const onFirst = open(f.coordinator.token).subscribe(STATUS, { caseId });
    await new Promise((r) => setTimeout(r, 300));
    await hold(caseId, "via the first server");
    await onOther.waitFor(1);
    await onFirst.waitFor(1);
    expect(onOther.results[0].data.caseStatusChanged.id).toBe(onFirst.results[0].data.caseStatusChanged.id);
    expect(onOther.results[0].data.caseStatusChanged.note).toBe("via the first server");
  } finally {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    expect(await other.stop()).toBe(0);
  }
});

test("the SQL per event does not grow with the number of subscribers", async () => {
  const caseId = await openCase();
  const hub = server.app.hub;
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(check()).toBe(true);
  };
  const measure = async (subscribers: number) => {
    const before = hub.stats().subscribers;
    const client = open(f.coordinator.token);
    const subscriptions = Array.from({ length: subscribers }, () => client.subscribe(STATUS, { caseId }));
    await until(() => hub.stats().subscribers === before + subscribers);
    await server.app.listener.settle();
    server.statements.length = 0;
    // One status change written straight to the outbox (the write's own statements are the same in both runs).
    await server.db.transaction(async (manager) => {
      await manager.query(`UPDATE medical_case SET status = 'ON_HOLD', held_from = status WHERE id = $1 AND status <> 'ON_HOLD'`, [caseId]);
      await appendEvents(manager, f.coordinator.userId, [{ caseId, type: CaseEventType.STATUS_CHANGED, toStatus: "ON_HOLD" as never }]);
    });
    await Promise.all(subscriptions.map((s) => s.waitFor(1)));
    await server.app.listener.settle();
    // Outbox reads vary with how wake-ups coalesce; what must not grow is the write plus the work of delivering it.
    const statements = server.statements.filter((sql) => !isBackgroundStatement(sql) || /INSERT INTO "?case_event/i.test(sql)).length;
    subscriptions.forEach((s) => s.unsubscribe());
    await until(() => hub.stats().subscribers === before);
    await server.db.query(`UPDATE medical_case SET status = held_from, held_from = NULL WHERE id = $1 AND status = 'ON_HOLD'`, [caseId]);
    return statements;
  };
  const few = await measure(2);
  const many = await measure(40);
  console.log(`SQL statements to write and deliver one event: ${few} with 2 subscribers, ${many} with 40`);
  expect(many).toBe(few);
});

test("10,000 subscribe/unsubscribe cycles leave the registry at its baseline", async () => {
  const hub = server.app.hub;
  const caseId = await openCase();
  const baseline = hub.stats();
  const document = parse(STATUS);
  const viewer = { userId: f.coordinator.userId, role: Role.COORDINATOR, displayName: "c", patientId: null, reviewerId: null, reviewerCountry: null, reviewerLanguages: [] };
  for (let i = 0; i < 10_000; i++) {
    const handle = await hub.subscribe({ field: "caseStatusChanged", viewer, caseId: i % 2 ? caseId : null, after: null, document, documentKey: STATUS, clientAddress: null, subscriptionId: String(i), send: () => {}, bufferedBytes: () => 0 });
    await handle.return();
  }
  expect(hub.stats()).toEqual(baseline);
});

test("a subscription over HTTP is refused", async () => {
  const response = await server.gql(`subscription { caseStatusChanged { id } }`, {}, f.coordinator.token);
  expect(response.data?.caseStatusChanged ?? null).toBeNull();
  expect(failure(response).code).not.toBe("INTERNAL_SERVER_ERROR");
});

test("on shutdown sockets close with 1001, and a client resuming elsewhere with its last id misses nothing", async () => {
  const leaving = await startServerOn(server.config.databaseUrl!, server.config.dataDir, { outboxPollMs: 0 });
  const caseId = await openCase();
  const client = connect(leaving, f.coordinator.token);
  const activity = client.subscribe(ACTIVITY, { caseId });
  await new Promise((r) => setTimeout(r, 200));
  await hold(caseId, "before shutdown");
  await activity.waitFor(1);
  const lastSeen = activity.results[activity.results.length - 1].data.caseActivity.id;
  await leaving.close();
  expect((await client.closed).code).toBe(1001);
  await client.dispose();
  // Changes keep happening while the client is away.
  await resume(caseId);
  await hold(caseId, "while away");
  const resumed = open(f.coordinator.token).subscribe(ACTIVITY, { caseId, after: lastSeen });
  await resumed.waitFor(2);
  const all = await eventIds(caseId);
  expect(resumed.results.map((r) => r.data.caseActivity.id)).toEqual(all.slice(all.indexOf(lastSeen) + 1));
});

test("followCase (schema/operations) rides out a server restart and misses nothing, with no duplicate", async () => {
  const first = await startServerOn(server.config.databaseUrl!, server.config.dataDir, { outboxPollMs: 0 });
  const port = Number(new URL(first.url).port);
  const caseId = await openCase();
  const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 50, retryWait: () => new Promise((r) => setTimeout(r, 100)), connectionParams: { authorization: `Bearer ${f.coordinator.token}` } });
  const seen: string[] = [];
  const ended: unknown[] = [];
  // From the start (followCase's default): CASE_OPENED, written before following began, comes too.
  const stop = followCase(client, caseId, { event: (e) => seen.push(e.id), ended: (e) => ended.push(e) });
  let second: TestServer | undefined;
  try {
    await hold(caseId, "before the restart");
    for (let i = 0; i < 200 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 25));
    await first.close();
    await resume(caseId);
    await hold(caseId, "while the server is down");
    second = await startServerOn(server.config.databaseUrl!, server.config.dataDir, { outboxPollMs: 0 }, { port });
    const all = await eventIds(caseId);
    for (let i = 0; i < 400 && seen.length < all.length; i++) await new Promise((r) => setTimeout(r, 25));
    expect(all).toHaveLength(4);
    expect(seen).toEqual(all);
    expect(ended).toEqual([]);
  } finally {
    stop();
    await client.dispose();
    await second?.close();
  }
});

test("the WebSocket serves only the two subscriptions, with variables coerced like any request", async () => {
  const client = open(f.coordinator.token);
  const query = client.subscribe(`query { viewer { id } }`);
  await query.waitForEnd();
  expect(JSON.stringify(query.error)).toContain("Only the subscriptions");
  // A default value is a value: the visibility check applies to it.
  const hidden = await openCase(f.otherPatient.patientId);
  const patientClient = open(f.patient.token);
  const viaDefault = patientClient.subscribe(`subscription($c: ID = "${hidden}") { caseStatusChanged(caseId: $c) { id } }`);
  await viaDefault.waitForEnd();
  expect(JSON.stringify(viaDefault.error)).toContain("NOT_FOUND");
  const tooBig = client.subscribe(ACTIVITY, { caseId: hidden, after: "9999999999999999999" });
  await tooBig.waitForEnd();
  expect(JSON.stringify(tooBig.error)).toContain("BAD_USER_INPUT");
});

test("signing out closes that sign-in's sockets with 4403", async () => {
  const login = ok(await server.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken refreshToken } }`, { e: f.coordinator.email, p: PASSWORD })).login;
  const signedIn = open(login.accessToken);
  const other = open(f.coordinator.token);
  const before = server.app.hub.stats().anyCase;
  signedIn.subscribe(STATUS, {});
  other.subscribe(STATUS, {});
  for (let i = 0; i < 80 && server.app.hub.stats().anyCase < before + 2; i++) await new Promise((r) => setTimeout(r, 25));
  ok(await server.gql(`mutation($t: String!) { signOut(refreshToken: $t) }`, { t: login.refreshToken }));
  await server.app.recheckSessions();
  expect((await signedIn.closed).code).toBe(4403);
  // Another sign-in of the same user is untouched.
  await new Promise((r) => setTimeout(r, 100));
  expect(server.app.hub.stats().anyCase).toBe(before + 1);
});
