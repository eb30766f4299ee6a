import WebSocket from "ws";
import { CaseEventType } from "../../server/common/enums";
import { MAX_BUFFERED_BYTES, MAX_MESSAGE_BYTES } from "../../server/events/event-hub";
import { appendEvents } from "../../server/events/outbox";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { describeProbe, startProbe } from "../support/probe";
import { startTestServer, type TestServer } from "../support/server";
import { connect, type WsClient } from "../support/ws-client";

/** Live delivery is isolated: what one subscriber selects, holds or fails to read does not reach the others. */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0, subscriptionsPerSocket: 3, subscriptionsPerUser: 5 });
  f = await createFixtures(server);
  build = new CaseBuilder(server, f.coordinator.token);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
  await until(() => server.app.hub.stats().subscribers === 0, "every subscription to end");
});
afterAll(() => server.close());

const open = (token: string) => {
  const client = connect(server, token);
  clients.push(client);
  return client;
};

const until = async (check: () => boolean, what: string, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

const STATUS = `subscription($caseId: ID) { caseStatusChanged(caseId: $caseId) { id toStatus case { id status } } }`;
const NOTES = `subscription($caseId: ID!) { caseActivity(caseId: $caseId) { id note } }`;

/** A graphql-ws client on a raw socket, so the test can stop reading from it. */
async function rawSubscriber(token: string, query: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(server.url.replace(/^http/, "ws") + "/graphql", "graphql-transport-ws");
  const messages: Array<Record<string, any>> = [];
  socket.on("message", (data) => messages.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
  await until(() => messages.some((m) => m.type === "connection_ack"), "connection_ack");
  socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
  return { socket, messages };
}

test("a socket that stops reading never makes the process buffer more than the cap, whatever the size of each message", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const hub = server.app.hub;
  const before = hub.stats().subscribers;
  const stalled = await rawSubscriber(f.coordinator.token, NOTES, { caseId });
  // A reader on the same case that keeps up gets every event: bursts are not counted against it.
  const reader = open(f.coordinator.token).subscribe(NOTES, { caseId });
  await until(() => hub.stats().subscribers === before + 2, "both subscriptions");
  (stalled.socket as unknown as { _socket: { pause(): void } })._socket.pause();

  const probe = startProbe(server, f.patient.token);
  const rssBefore = process.memoryUsage().rss;
  const events = 60;
  const note = "n".repeat(700 * 1024);
  for (let i = 0; i < events; i++) {
    await server.db.transaction((manager) => appendEvents(manager, f.coordinator.userId, [{ caseId, type: CaseEventType.RECORD_ADDED, note }]));
  }
  await reader.waitFor(events, 60_000);
  await server.app.listener.settle();
  const report = await probe.stop();
  console.log(
    `${describeProbe("60 events of 700 KB to a socket that stopped reading", report)}; ` +
      `peak unsent on one socket ${(hub.stats().peakBufferedBytes / 1024 / 1024).toFixed(2)} MB (cap ${MAX_BUFFERED_BYTES / 1024 / 1024} MB), ` +
      `RSS ${(rssBefore / 1024 / 1024).toFixed(0)} -> ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`,
  );
  expect(hub.stats().peakBufferedBytes).toBeLessThanOrEqual(MAX_BUFFERED_BYTES);
  expect(reader.error).toBeUndefined();
  expect(reader.results).toHaveLength(events);
  expect(report.failures).toEqual([]);

  // Reading again, the stalled socket learns it fell behind (and how to resume).
  (stalled.socket as unknown as { _socket: { resume(): void } })._socket.resume();
  await until(() => stalled.messages.some((m) => m.type === "error"), "the subscription's end", 30_000);
  const end = stalled.messages.find((m) => m.type === "error")!;
  expect(end.payload[0].extensions.code).toBe("SERVICE_UNAVAILABLE");
  expect(end.payload[0].message).toMatch(/too far behind/);
  expect(stalled.messages.filter((m) => m.type === "next").length).toBeLessThan(events);
  stalled.socket.close();
});

test("a subscriber whose selection is stuck does not hold up anyone else's events", async () => {
  const slowCase = await build.openCase(f.patient.patientId);
  const otherCase = await build.openCase(f.otherPatient.patientId);
  const hub = server.app.hub;
  const before = hub.stats().subscribers;
  const slow = open(f.coordinator.token).subscribe(`subscription($caseId: ID) { caseStatusChanged(caseId: $caseId) { id case { id comments(first: 2) { id } } } }`, { caseId: slowCase });
  const other = open(f.admin.token).subscribe(STATUS, { caseId: null });
  await until(() => hub.stats().subscribers === before + 2, "both subscriptions");

  // Every read of comments waits on this lock: the slow subscriber's execution cannot finish while it is held.
  const lock = server.db.createQueryRunner();
  await lock.connect();
  await lock.startTransaction();
  try {
    await lock.query(`LOCK TABLE comment IN ACCESS EXCLUSIVE MODE`);
    const probe = startProbe(server, f.patient.token);
    await build.move(slowCase, "ON_HOLD", "slow");
    await build.move(otherCase, "ON_HOLD", "other");
    await other.waitFor(2, 10_000);
    const report = await probe.stop();
    console.log(describeProbe("a subscriber's execution stuck on a lock", report));
    expect(other.results.map((r) => r.data.caseStatusChanged.case.id)).toEqual([slowCase, otherCase]);
    expect(slow.results).toHaveLength(0);
    expect(report.failures).toEqual([]);
  } finally {
    await lock.rollbackTransaction();
    await lock.release();
  }
  await slow.waitFor(1);
  expect(slow.error).toBeUndefined();
  expect(slow.results[0].data.caseStatusChanged.case).toEqual({ id: slowCase, comments: [] });
});

test("subscriptions per socket and per user are bounded, refused with RATE_LIMITED, and their slots come back", async () => {
  const hub = server.app.hub;
  const before = hub.stats().subscribers;
  const first = open(f.reviewerZh.token);
  const onFirst = [0, 1, 2, 3].map(() => first.subscribe(STATUS, { caseId: null }));
  await until(() => onFirst.some((s) => s.error !== undefined) && hub.stats().subscribers === before + 3, "the fourth refused");
  const refused = onFirst.filter((s) => s.error !== undefined);
  expect(refused).toHaveLength(1);
  expect((refused[0].error as Array<{ extensions: { code: string } }>)[0].extensions.code).toBe("RATE_LIMITED");

  // Five per user over every socket: the second socket gets two, then is refused.
  const second = open(f.reviewerZh.token);
  const onSecond = [0, 1, 2].map(() => second.subscribe(STATUS, { caseId: null }));
  await until(() => onSecond.some((s) => s.error !== undefined) && hub.stats().subscribers === before + 5, "the sixth refused");
  const refusedForUser = onSecond.filter((s) => s.error !== undefined);
  expect(refusedForUser).toHaveLength(1);
  expect((refusedForUser[0].error as Array<{ message: string; extensions: { code: string } }>)[0]).toMatchObject({ extensions: { code: "RATE_LIMITED" }, message: expect.stringMatching(/user/) });

  // Ending one gives its slot back; the socket stayed usable throughout.
  onFirst.find((s) => s.error === undefined)!.unsubscribe();
  await until(() => hub.stats().subscribers === before + 4, "the unsubscribe");
  const again = second.subscribe(STATUS, { caseId: null });
  await until(() => hub.stats().subscribers === before + 5, "a subscription in the freed slot");
  expect(again.error).toBeUndefined();
});

test("an event whose result is over 1 MB ends that subscription with PAYLOAD_TOO_LARGE, not the socket's others", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const client = open(f.coordinator.token);
  const notes = client.subscribe(NOTES, { caseId });
  const statuses = client.subscribe(STATUS, { caseId });
  await until(() => server.app.hub.stats().subscribers === 2, "both subscriptions");
  await server.db.transaction((manager) => appendEvents(manager, f.coordinator.userId, [{ caseId, type: CaseEventType.RECORD_ADDED, note: "n".repeat(MAX_MESSAGE_BYTES) }]));
  await notes.waitForEnd();
  expect((notes.error as Array<{ extensions: { code: string } }>)[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  await build.move(caseId, "ON_HOLD", "still live");
  await statuses.waitFor(1);
  expect(statuses.error).toBeUndefined();
  expect(statuses.results[0].data.caseStatusChanged.toStatus).toBe("ON_HOLD");
});
