/**
 * No client can hold the server's connections: limits per address and in all, timeouts on
 * headers, bodies (uploads by a minimum rate), kept-alive and idle connections, WebSockets per
 * user and per address, connection_init and ping/pong. An attacker connects from 127.0.0.2
 * (loopback, another address), while a probe user asks `{ viewer { id } }` from 127.0.0.1:
 * the probe must never fail. Its latency is printed, never asserted.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import WebSocket from "ws";
import { loadConfig } from "../../server/config";
import { createHttpServer } from "../../server/http-limits";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";

const ATTACKER = "127.0.0.2";
const LIMITS = {
  connectionsPerAddress: 20,
  headersTimeoutMs: 600,
  bodyTimeoutMs: 800,
  uploadMinBytes: 64 * 1024,
  uploadRateWindowMs: 500,
  keepAliveTimeoutMs: 300,
  webSocketsPerUser: 3,
  webSocketsPerAddress: 6,
  webSocketInitTimeoutMs: 1500,
  webSocketPingMs: 300,
};

let server: TestServer;
let f: Fixtures;
const logs: string[] = [];
const sockets: Array<net.Socket | WebSocket> = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const port = () => Number(new URL(server.url).port);

beforeAll(async () => {
  server = await startTestServer({ ...LIMITS, logLevel: "warn" }, { onLog: (line) => logs.push(line) });
  f = await createFixtures(server, "limits");
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket instanceof WebSocket ? socket.terminate() : socket.destroy();
});
afterAll(() => server.close());

/** Every 50 ms until stopped, another user's `{ viewer { id } }`; reports every failure. */
function probe() {
  const latencies: number[] = [];
  const failures: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const response = await server.gql(`{ viewer { id } }`, {}, f.admin.token);
        if (response.data?.viewer?.id !== f.admin.userId) failures.push(JSON.stringify(response.errors));
      } catch (error) {
        failures.push(String(error));
      }
      latencies.push(Date.now() - started);
      await sleep(50);
    }
  })();
  return {
    async stop(what: string) {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      console.log(`probe during ${what}: ${latencies.length} requests, p50 ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted.at(-1)} ms, ${failures.length} failed`);
      return failures;
    },
  };
}

interface RawConnection {
  socket: net.Socket;
  received: () => string;
  closed: Promise<void>;
}

/** A raw TCP connection from `localAddress`; resolves once connected (or closed at once). */
function rawConnection(localAddress = ATTACKER, targetPort = port()): Promise<RawConnection> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: targetPort, localAddress });
    sockets.push(socket);
    let received = "";
    socket.setEncoding("latin1").on("data", (chunk: string) => (received += chunk));
    socket.on("error", () => undefined);
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    const connection = { socket, received: () => received, closed };
    socket.once("connect", () => resolve(connection));
    socket.once("close", () => resolve(connection));
  });
}

test("connections from one address stop at the limit; the one over it is answered 429 and closed; others are served", async () => {
  const probing = probe();
  const held = await Promise.all(Array.from({ length: LIMITS.connectionsPerAddress }, () => rawConnection()));
  const over = await rawConnection();
  await over.closed;
  expect(over.received()).toMatch(/^HTTP\/1\.1 429 /);
  expect(held.every((c) => !c.socket.destroyed)).toBe(true);
  // A thousand more from the same address while the probe runs: each refused, or taking a slot that the
  // headers timeout freed meanwhile and closed by it in turn; nobody else hurt.
  const flood = await Promise.all(Array.from({ length: 1000 }, () => rawConnection()));
  await Promise.all(flood.map((c) => c.closed));
  const answers = flood.map((c) => c.received().slice(0, 12));
  expect(answers.filter((answer) => answer !== "HTTP/1.1 429" && answer !== "HTTP/1.1 408")).toEqual([]);
  console.log(`flood of 1,000: ${answers.filter((a) => a.endsWith("429")).length} refused at once, ${answers.filter((a) => a.endsWith("408")).length} took a freed slot until the headers timeout`);
  expect(await probing.stop("1,020 silent connections from one address")).toEqual([]);

  // Silent connections are closed by the headers timeout (408), which frees the address's slots.
  await Promise.all(held.map((c) => c.closed));
  expect(held.map((c) => c.received().slice(0, 12))).toEqual(held.map(() => "HTTP/1.1 408"));
  const again = await rawConnection();
  again.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  await again.closed;
  expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
}, 30_000);

test("the process-wide connection limit drops connections past it", async () => {
  const limited = createHttpServer({ ...loadConfig({ NODE_ENV: "test" }), maxConnections: 5 }, (_req, res) => res.end("ok"));
  await new Promise<void>((resolve) => limited.listen(0, "127.0.0.1", resolve));
  const limitedPort = (limited.address() as net.AddressInfo).port;
  try {
    const held = await Promise.all(Array.from({ length: 5 }, () => rawConnection("127.0.0.1", limitedPort)));
    await sleep(100);
    const over = await rawConnection("127.0.0.1", limitedPort);
    await over.closed;
    expect(over.received()).toBe("");
    expect(held.every((c) => !c.socket.destroyed)).toBe(true);
  } finally {
    for (const socket of sockets.splice(0)) (socket as net.Socket).destroy();
    await new Promise((resolve) => limited.close(resolve));
  }
});

test("headers trickled byte by byte are cut by the headers timeout with 408", async () => {
  const probing = probe();
  const slow = await rawConnection();
  const trickle = setInterval(() => slow.socket.writable && slow.socket.write("a"), 50);
  slow.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  await slow.closed;
  clearInterval(trickle);
  expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  expect(await probing.stop("a trickled header")).toEqual([]);
});

test("a GraphQL body that does not arrive in time is answered 408 and its connection closed", async () => {
  const slow = await rawConnection();
  slow.socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"query":`);
  const trickle = setInterval(() => slow.socket.writable && slow.socket.write(" "), 100);
  await slow.closed;
  clearInterval(trickle);
  expect(slow.received()).toMatch(/^HTTP\/1\.1 408 /);
  expect(slow.received()).toContain(`"code":"REQUEST_TIMEOUT"`);
});

test("a kept-alive connection waiting for its next request is closed after the keep-alive timeout", async () => {
  const idle = await rawConnection();
  idle.socket.write(`GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`);
  await idle.closed;
  expect(idle.received()).toMatch(/^HTTP\/1\.1 200 /);
  expect(idle.received()).toMatch(/Keep-Alive: timeout=0/);
});

describe("uploads: a minimum rate instead of a flat timeout", () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason: "Second look" } }, f.coordinator.token)).openCase.id;
  });
  const uploadUrl = async () =>
    ok(await server.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Biopsy", language: "EN" } }, f.coordinator.token)).addMedicalRecord.uploadUrl as string;

  /** PUTs `total` bytes in `chunk`-sized pieces every `everyMs`; resolves with the status (0: no answer). */
  function steadyUpload(url: string, total: number, chunk: number, everyMs: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve) => {
      const request = http.request(url, { method: "PUT", headers: { "content-type": "application/pdf", "content-length": String(total) }, agent: false });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= total || request.destroyed) return clearInterval(timer);
        const size = Math.min(chunk, total - sent);
        // A real PDF signature first: the upload's first bytes are checked against its type.
        const piece = Buffer.alloc(size, 0x41);
        if (sent === 0) piece.write("%PDF-1.7\n");
        request.write(piece);
        sent += size;
        if (sent >= total) request.end();
      }, everyMs);
      request.on("response", (response) => {
        let body = "";
        response.setEncoding("utf8").on("data", (c: string) => (body += c));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", () => resolve({ status: 0, body: "" }));
      request.on("close", () => clearInterval(timer));
    });
  }

  test("an upload slower than the minimum rate is cut with 408 and leaves no temporary file", async () => {
    const result = await steadyUpload(await uploadUrl(), 4 * 1024 * 1024, 1024, 100);
    expect(result.status).toBe(408);
    const dir = path.join(server.config.dataDir, "documents");
    const deadline = Date.now() + 5000;
    while (fs.readdirSync(dir).some((name) => name.endsWith(".part")) && Date.now() < deadline) await sleep(50);
    expect(fs.readdirSync(dir).filter((name) => name.endsWith(".part"))).toEqual([]);
  });

  test("an upload at a steady rate that takes longer than the body timeout is accepted", async () => {
    const started = Date.now();
    const result = await steadyUpload(await uploadUrl(), 2 * 1024 * 1024, 96 * 1024, 50);
    console.log(`steady upload of 2 MB: ${Date.now() - started} ms (body timeout ${LIMITS.bodyTimeoutMs} ms)`);
    expect({ status: result.status, body: result.body }).toEqual({ status: 201, body: expect.stringContaining("sha256") });
  });
});

describe("WebSockets", () => {
  const wsUrl = () => `${server.url.replace(/^http/, "ws")}/graphql`;

  interface Socket {
    ws: WebSocket;
    opened: Promise<number>;
    acked: Promise<boolean>;
    closed: Promise<number>;
  }

  /** A graphql-transport-ws socket, initialised with `token` unless null. */
  function socket(token: string | null, options: { localAddress?: string; autoPong?: boolean } = {}): Socket {
    const ws = new WebSocket(wsUrl(), "graphql-transport-ws", { localAddress: options.localAddress ?? "127.0.0.1", autoPong: options.autoPong ?? true });
    sockets.push(ws);
    ws.on("error", () => undefined);
    const opened = new Promise<number>((resolve) => {
      ws.once("open", () => resolve(101));
      ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.once("close", () => resolve(0));
    });
    const acked = new Promise<boolean>((resolve) => {
      ws.on("message", (data) => JSON.parse(String(data)).type === "connection_ack" && resolve(true));
      ws.once("close", () => resolve(false));
    });
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.once("open", () => token !== null && ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    return { ws, opened, acked, closed };
  }

  test("one user's sockets stop at the limit with 4429; their open sockets and other users are unaffected", async () => {
    const mine = Array.from({ length: LIMITS.webSocketsPerUser }, () => socket(f.coordinator.token));
    expect(await Promise.all(mine.map((s) => s.acked))).toEqual(mine.map(() => true));
    const over = socket(f.coordinator.token);
    expect(await over.closed).toBe(4429);
    expect(mine.every((s) => s.ws.readyState === WebSocket.OPEN)).toBe(true);
    expect(await socket(f.admin.token).acked).toBe(true);
    // A closed socket frees its slot.
    mine[0].ws.close();
    await mine[0].closed;
    expect(await socket(f.coordinator.token).acked).toBe(true);
  });

  test("sockets from one address stop at the limit: the upgrade over it is refused with 429", async () => {
    const probing = probe();
    const held = Array.from({ length: LIMITS.webSocketsPerAddress }, () => socket(null, { localAddress: ATTACKER }));
    expect(await Promise.all(held.map((s) => s.opened))).toEqual(held.map(() => 101));
    expect(await socket(null, { localAddress: ATTACKER }).opened).toBe(429);
    expect(await socket(f.admin.token).acked).toBe(true);
    expect(await probing.stop("WebSockets held from one address")).toEqual([]);
  });

  test("a socket that never sends connection_init is closed with 4408", async () => {
    expect(await socket(null).closed).toBe(4408);
  });

  test("a peer that stops answering pings is terminated; one that answers stays", async () => {
    const dead = socket(f.reviewerZh.token, { autoPong: false });
    const alive = socket(f.reviewerEn.token);
    expect(await dead.acked).toBe(true);
    expect(await alive.acked).toBe(true);
    expect(await dead.closed).toBe(1006);
    expect(alive.ws.readyState).toBe(WebSocket.OPEN);
  });

  test("an oversized frame closes its socket with 1009 and is logged as a warning, not an unexpected error", async () => {
    logs.length = 0;
    const big = socket(f.patient.token);
    expect(await big.acked).toBe(true);
    big.ws.send(JSON.stringify({ type: "subscribe", id: "1", payload: { query: "x".repeat(100 * 1024) } }));
    expect(await big.closed).toBe(1009);
    await sleep(50);
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.msg === "websocket closed on a protocol error")).toEqual([expect.objectContaining({ level: 40, errorCode: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH" })]);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
  });
});
