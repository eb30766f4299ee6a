// Fan-out benchmark: delivery latency from the mutation's request to receipt with 1,000
// and 10,000 subscribers on one server process, clients in another process; SQL
// statements per event; memory per idle subscriber. Baseline, measured in the same run:
// the same clients receiving a pre-serialized broadcast from the same process (no
// GraphQL, no authorization, no mutation): the floor any GraphQL fan-out sits on. It
// speaks just enough of the graphql-ws protocol that the very same clients subscribe to
// it, so the ratio measures the server's work.
const { spawn } = require("node:child_process");
const path = require("node:path");
const readline = require("node:readline");
const { WebSocketServer } = require("ws");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { freePort } = require(path.join(dist, "db", "embedded-postgres.js"));
const { loadConfig } = require(path.join(dist, "config.js"));
const { createLogger } = require(path.join(dist, "logger.js"));
const { createRuntime } = require(path.join(dist, "runtime.js"));
const { createApp } = require(path.join(dist, "app.js"));
const { signAccessToken } = require(path.join(dist, "auth", "tokens.js"));
const { seal } = require(path.join(dist, "auth", "field-crypto.js"));

const SIZES = (process.env.BENCH_SUBSCRIBERS ?? "1000,10000").split(",").map(Number);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20);
const QUERY = `subscription($caseId: ID) { caseStatusChanged(caseId: $caseId) { id type fromStatus toStatus note case { id status version } } }`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

function clientProcess() {
  const child = spawn(process.execPath, ["--max-old-space-size=4096", path.join(__dirname, "fanout-clients.js")], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = readline.createInterface({ input: child.stdout });
  const waiting = [];
  lines.on("line", (line) => waiting.shift()?.(JSON.parse(line)));
  return {
    ask: (message) => new Promise((resolve) => {
      waiting.push(resolve);
      child.stdin.write(`${JSON.stringify(message)}\n`);
    }),
    kill: () => child.kill(),
  };
}

async function seed(db, runtime, count) {
  const [{ id: patientUser }] = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ('bench.patient@bench', 'PATIENT', 'Bench Patient', E'bench patient\\nbench.patient@bench') RETURNING id`);
  const [{ id: patientId }] = await db.query(`INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language, search_text) VALUES ($1, 'Bench Patient', $2, 'EN', 'bench patient') RETURNING id`, [patientUser, seal(runtime.keyRing, "1960-01-01")]);
  await db.query(`INSERT INTO consent (patient_id, scope, destination_countries, attested_by_coordinator, recorded_by_user_id) VALUES ($1, 'CROSS_BORDER_REVIEW', '{CN}', true, $2)`, [patientId, patientUser]);
  // Half coordinators, half accepted reviewers: every subscriber is authorized per event.
  const users = await db.query(
    `INSERT INTO app_user (email, role, display_name, search_text) SELECT 'bench' || g || '@bench', CASE WHEN g % 2 = 0 THEN 'COORDINATOR' ELSE 'REVIEWER' END, 'Bench ' || g, 'bench ' || g || E'\\nbench' || g || '@bench' FROM generate_series(1, $1) g RETURNING id, role`,
    [count],
  );
  const coordinator = users.find((u) => u.role === "COORDINATOR").id;
  const [{ id: caseId }] = await db.query(
    `INSERT INTO medical_case (reference, patient_id, status, status_since, version, reason, opened_by_user_id, updated_at) VALUES ('MER-BENCH-1', $1, 'RECORDS_COLLECTION', now(), 0, 'bench', $2, now()) RETURNING id`,
    [patientId, coordinator],
  );
  await db.query(`INSERT INTO reviewer (user_id, institution, country, languages) SELECT id, 'Bench Hospital', 'CN', '{EN}' FROM app_user WHERE role = 'REVIEWER' AND email LIKE 'bench%@bench'`);
  await db.query(`INSERT INTO review_assignment (case_id, reviewer_id, status) SELECT $1, id, 'ACCEPTED' FROM reviewer`, [caseId]);
  await db.query(`INSERT INTO auth_session (user_id, family_id, token_hash, expires_at) SELECT id, id, md5(id::text) || md5(id::text), now() + interval '1 day' FROM app_user WHERE email LIKE 'bench%@bench'`);
  const tokens = [];
  for (const user of users) tokens.push(await signAccessToken(runtime.jwtSecret, { userId: user.id, role: user.role, familyId: user.id }, 3600));
  return { caseId, coordinator, tokens };
}

async function main() {
  let statements = 0;
  const database = await openBenchDatabase({ poolSize: 20, onQuery: () => statements++ });
  const { db } = database;
  // Every subscriber connects from 127.0.0.1 here; real ones come from many addresses.
  const config = { ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: database.root, MERIDIAN_WS_PER_ADDRESS: String(Math.max(...SIZES) + 100), MERIDIAN_CONNECTIONS_PER_ADDRESS: String(Math.max(...SIZES) + 100), MERIDIAN_MAX_CONNECTIONS: String(Math.max(...SIZES) + 1000) }), databaseUrl: database.url, logLevel: "silent", outboxPollMs: 0 };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const app = await createApp(runtime);
  const port = await app.listen(0);
  const rawPort = await freePort();
  const raw = new WebSocketServer({ port: rawPort, handleProtocols: () => "graphql-transport-ws" });
  const rawSubscriptions = new Map();
  raw.on("connection", (socket) => {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === "connection_init") socket.send(JSON.stringify({ type: "connection_ack" }));
      if (message.type === "subscribe") rawSubscriptions.set(`${rawSubscriptions.size}`, { socket, prefix: `{"id":${JSON.stringify(message.id)},"type":"next","payload":` });
    });
  });
  const { caseId, coordinator, tokens } = await seed(db, runtime, Math.max(...SIZES));
  const coordinatorToken = await signAccessToken(runtime.jwtSecret, { userId: coordinator, role: "COORDINATOR", familyId: coordinator }, 3600);
  const clients = clientProcess();
  const results = [];

  async function transition(to, note) {
    const [{ version }] = await db.query(`SELECT version FROM medical_case WHERE id = $1`, [caseId]);
    const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${coordinatorToken}` },
      body: JSON.stringify({ query: `mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { version } }`, variables: { id: caseId, to, v: version, note } }),
    });
    const body = await response.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
  }

  const heap = () => {
    global.gc?.();
    return process.memoryUsage();
  };

  for (const size of SIZES) {
    const before = heap();
    const connected = await clients.ask({ cmd: "graphql", url: `ws://127.0.0.1:${port}/graphql`, tokens: tokens.slice(0, size), caseId, query: QUERY });
    for (let waited = 0; app.hub.stats().subscribers < size && waited < 60_000; waited += 250) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 1000));
    const after = heap();
    if (app.hub.stats().subscribers !== size) throw new Error(`expected ${size} subscribers, have ${JSON.stringify(app.hub.stats())}; clients: ${JSON.stringify(connected)}`);
    // Two unmeasured events first: the first executions compile (JIT) what the measured ones reuse.
    for (let i = 0; i < 2; i++) {
      await transition(i % 2 === 0 ? "ON_HOLD" : "RECORDS_COLLECTION", "warm-up");
      await new Promise((r) => setTimeout(r, 300));
    }
    await clients.ask({ cmd: "collect" });
    statements = 0;
    let writeStatements = 0;
    const mutationMs = [];
    const answeredAt = new Map();
    for (let i = 0; i < EVENTS; i++) {
      const countBefore = statements;
      const started = Date.now();
      await transition(i % 2 === 0 ? "ON_HOLD" : "RECORDS_COLLECTION", String(started));
      mutationMs.push(Date.now() - started);
      answeredAt.set(String(started), Date.now());
      writeStatements += statements - countBefore;
      await new Promise((r) => setTimeout(r, 150));
    }
    await app.listener.settle();
    await new Promise((r) => setTimeout(r, 1000));
    const { receipts } = await clients.ask({ cmd: "collect" });
    // From the mutation's request (its own work included), and from its answer (by then it has committed).
    const latencies = receipts.map(([note, at]) => at - Number(note));
    const afterCommit = receipts.map(([note, at]) => at - answeredAt.get(note)).sort((a, b) => a - b);
    const deliveryStatements = (statements - writeStatements) / EVENTS;
    await clients.ask({ cmd: "close" });

    // Baseline: the same clients, a pre-serialized payload broadcast with no GraphQL and no authorization.
    rawSubscriptions.clear();
    await clients.ask({ cmd: "graphql", url: `ws://127.0.0.1:${rawPort}`, tokens: tokens.slice(0, size), caseId, query: QUERY });
    for (let i = 0; i < EVENTS; i++) {
      const payload = JSON.stringify({ data: { caseStatusChanged: { id: String(i), type: "STATUS_CHANGED", fromStatus: null, toStatus: "ON_HOLD", note: String(Date.now()), case: { id: caseId, status: "ON_HOLD", version: i } } } });
      for (const { socket, prefix } of rawSubscriptions.values()) socket.send(`${prefix}${payload}}`);
      await new Promise((r) => setTimeout(r, 150));
    }
    await new Promise((r) => setTimeout(r, 1000));
    const baseline = (await clients.ask({ cmd: "collect" })).receipts.map(([note, at]) => at - Number(note));
    await clients.ask({ cmd: "close" });

    const sorted = latencies.sort((a, b) => a - b);
    const base = baseline.sort((a, b) => a - b);
    results.push({
      subscribers: size,
      deliveries: `${sorted.length}/${size * EVENTS}`,
      mutation_p50_ms: percentile(mutationMs.sort((a, b) => a - b), 50),
      p50_ms: percentile(sorted, 50),
      p99_ms: percentile(sorted, 99),
      after_answer_p50_ms: percentile(afterCommit, 50),
      after_answer_p99_ms: percentile(afterCommit, 99),
      baseline_p50_ms: percentile(base, 50),
      baseline_p99_ms: percentile(base, 99),
      p99_vs_baseline: (percentile(sorted, 99) / Math.max(percentile(base, 99), 1)).toFixed(2),
      after_answer_p99_vs_baseline: (percentile(afterCommit, 99) / Math.max(percentile(base, 99), 1)).toFixed(2),
      sql_per_event: deliveryStatements.toFixed(1),
      heap_kb_per_idle_subscriber: ((after.heapUsed - before.heapUsed) / size / 1024).toFixed(1),
      rss_kb_per_idle_subscriber: ((after.rss - before.rss) / size / 1024).toFixed(1),
      rss: after.rss,
      heap: after.heapUsed,
    });
  }
  // What one more idle subscriber costs, between the smallest and largest size (fixed costs, such as the young generation growing to its size, cancel out).
  const [first, last] = [results[0], results[results.length - 1]];
  const marginal = (key) => (results.length > 1 ? ((last[key] - first[key]) / (last.subscribers - first.subscribers) / 1024).toFixed(1) : "n/a");
  const summary = `marginal memory per idle subscriber (${first.subscribers} -> ${last.subscribers}): RSS ${marginal("rss")} KB, heap ${marginal("heap")} KB`;
  for (const result of results) {
    delete result.rss;
    delete result.heap;
  }
  console.table(results);
  console.log(summary);
  clients.kill();
  raw.close();
  await app.close();
  await database.close();
}

run(main);
