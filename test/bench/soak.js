// Soak (`npm run bench -- --soak`, 10 minutes; `--minutes=N` for another length): one
// Meridian process (query-server.js, the bench's Node flags) under mixed load for the whole
// time, on the query benchmark's data set:
// - reads: 16 closed-loop clients cycling through the coordinator dashboard, the accepted
//   reviewer's list and the detail page (the web app's CaseDetail and CaseTimeline);
// - writes: 8 writers, each on a case of its own, putting it on hold, resuming it and
//   commenting, one after the other (each write commits its events; cases in
//   RECORDS_COLLECTION, which resumes with no guard to pass);
// - subscriptions: 10 caseActivity subscribers on each written case and 20 caseStatusChanged
//   subscribers to every case, over graphql-ws, counting what they receive.
// Every 10 s the server's heap and RSS are sampled after a full collection. Memory counts as
// flat when the trend over the samples after the warm-up (the first fifth of the run), fitted
// by least squares, grows by at most 10 % of their mean over that time: RSS swings by a third
// from one sample to the next as the young generation's pages come and go, so comparing the
// first and last few samples judged noise. Results go to test/bench/results/soak-*.json.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const WebSocket = require("ws");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { SEED_STATEMENT_TIMEOUT_MS, seed, counts } = require("./query-seed.js");
const { clientOperation, DASHBOARD } = require("./query-operations.js");
const { FLAGS, agent, post, sessionToken, startContender } = require("./query-load.js");
const { loadConfig } = require(path.join(dist, "config.js"));
const { createLogger } = require(path.join(dist, "logger.js"));
const { createRuntime } = require(path.join(dist, "runtime.js"));

const minutesArg = process.argv.find((a) => a.startsWith("--minutes="));
const DURATION_MS = (minutesArg ? Number(minutesArg.split("=")[1]) : 10) * 60_000;
const SAMPLE_MS = 10_000;
const WARMUP_MS = DURATION_MS / 5;
const READERS = 16;
const WRITERS = 8;
const SUBSCRIBERS_PER_CASE = 10;
const WATCHERS = 20;
const FLAT = 0.1;

const TRANSITION = `mutation Soak($id: ID!, $to: CaseStatus!, $expectedVersion: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $expectedVersion, note: $note) { id status version heldFrom } }`;
const COMMENT = `mutation SoakComment($input: AddCommentInput!) { addComment(input: $input) { id } }`;
const ACTIVITY = `subscription Soak($caseId: ID!) { caseActivity(caseId: $caseId) { id type toStatus } }`;
const STATUS = `subscription SoakStatus { caseStatusChanged { id type toStatus } }`;

/** A bare graphql-transport-ws subscriber counting the events it receives. */
function subscribe(port, token, query, variables, tally) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/graphql`, "graphql-transport-ws");
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query, variables } }));
        resolve(socket);
      } else if (message.type === "next") {
        if (message.payload.errors) tally.errors++;
        else tally.received++;
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "error") {
        tally.errors++;
      }
    });
    socket.on("close", (code) => {
      if (code !== 1000) tally.closed++;
    });
    socket.on("error", reject);
  });
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** The least-squares line's rise from the first to the last sample, relative to the mean of the samples. */
function trend(samples, key) {
  const [xs, ys] = [samples.map((s) => s.seconds), samples.map((s) => s[key])];
  const [mx, my] = [mean(xs), mean(ys)];
  const slope = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  return (slope * (xs[xs.length - 1] - xs[0])) / my;
}

async function main() {
  const database = await openBenchDatabase({ poolSize: 4, statementTimeoutMs: SEED_STATEMENT_TIMEOUT_MS });
  const { db } = database;
  const config = { ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: database.root }), databaseUrl: database.url, logLevel: "silent" };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const ids = await seed(db, runtime.keyRing, { patients: 2_000, cases: 5_000 });
  const tokens = { coordinator: await sessionToken(db, runtime, ids.coordinator, "COORDINATOR"), reviewer: await sessionToken(db, runtime, ids.acceptedUser, "REVIEWER") };
  const targets = await db.query(
    `SELECT c.id, c.version, s.id AS summary FROM medical_case c JOIN case_summary s ON s.case_id = c.id AND s.language = 'EN' WHERE c.status = 'RECORDS_COLLECTION' ORDER BY c.reference LIMIT $1`,
    [WRITERS],
  );
  const [{ last }] = await db.query(`SELECT coalesce(max(id), 0) AS last FROM case_event`);
  const meridian = startContender("meridian", database);
  const port = await meridian.ready;

  const tally = { activity: { received: 0, errors: 0, closed: 0 }, status: { received: 0, errors: 0, closed: 0 } };
  const sockets = [];
  for (const target of targets) {
    for (let i = 0; i < SUBSCRIBERS_PER_CASE; i++) sockets.push(await subscribe(port, tokens.coordinator, ACTIVITY, { caseId: target.id }, tally.activity));
  }
  for (let i = 0; i < WATCHERS; i++) sockets.push(await subscribe(port, tokens.coordinator, STATUS, {}, tally.status));

  const body = (query, variables) => JSON.stringify({ query, variables });
  const dashboard = body(DASHBOARD, { first: 50 });
  const reads = [
    () => post(port, dashboard, tokens.coordinator),
    () => post(port, dashboard, tokens.reviewer),
    () => Promise.all([post(port, body(clientOperation("CaseDetail"), { id: ids.detailCase }), tokens.coordinator), post(port, body(clientOperation("CaseTimeline"), { id: ids.detailCase }), tokens.coordinator)]),
  ];
  const done = { reads: 0, writes: 0, failures: 0 };
  const until = Date.now() + DURATION_MS;
  const failed = (error) => {
    if (done.failures++ < 5) console.error(`request failed: ${error.message.slice(0, 300)}`);
  };
  const readers = Array.from({ length: READERS }, async (_, i) => {
    for (let n = i; Date.now() < until; n++) await reads[n % reads.length]().then(() => done.reads++, failed);
  });
  const writers = targets.map(async (target) => {
    let { version } = target;
    for (let n = 0; Date.now() < until; n++) {
      try {
        const held = JSON.parse(await post(port, body(TRANSITION, { id: target.id, to: "ON_HOLD", expectedVersion: version, note: "Soak: waiting for a scan" }), tokens.coordinator)).data.transitionCase;
        const resumed = JSON.parse(await post(port, body(TRANSITION, { id: target.id, to: held.heldFrom, expectedVersion: held.version }), tokens.coordinator)).data.transitionCase;
        version = resumed.version;
        await post(port, body(COMMENT, { input: { caseId: target.id, summaryId: target.summary, section: "STAGE", body: `Soak comment ${n}` } }), tokens.coordinator);
        version++;
        done.writes += 3;
      } catch (error) {
        failed(error);
        [{ version }] = await db.query(`SELECT version FROM medical_case WHERE id = $1`, [target.id]);
      }
    }
  });

  const samples = [];
  const started = Date.now();
  const sampler = (async () => {
    while (Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_MS, Math.max(0, until - Date.now()))));
      const stats = await meridian.stats(true);
      const sample = { seconds: Math.round((Date.now() - started) / 1000), heapMb: Number((stats.heapUsed / 2 ** 20).toFixed(1)), rssMb: Number((stats.rss / 2 ** 20).toFixed(1)), reads: done.reads, writes: done.writes };
      samples.push(sample);
      console.log(`${sample.seconds} s: heap ${sample.heapMb} MB, RSS ${sample.rssMb} MB, ${done.reads} reads, ${done.writes} writes, ${tally.activity.received + tally.status.received} events received`);
    }
  })();
  await Promise.all([...readers, ...writers, sampler]);
  // Let the last events arrive before counting them.
  await new Promise((resolve) => setTimeout(resolve, 2_000));

  const events = await db.query(`SELECT case_id, type, to_status FROM case_event WHERE id > $1`, [last]);
  const expected = {
    activity: events.length * SUBSCRIBERS_PER_CASE,
    status: events.filter((e) => e.type === "STATUS_CHANGED").length * WATCHERS,
  };
  const steady = samples.filter((s) => s.seconds * 1000 >= WARMUP_MS);
  const growth = (key) => (steady.length >= 6 ? trend(steady, key) : null);
  const range = (key) => steady.length > 0 ? { min: Math.min(...steady.map((s) => s[key])), max: Math.max(...steady.map((s) => s[key])) } : null;
  const memory = { heapGrowth: growth("heapMb"), rssGrowth: growth("rssMb"), heapMbRange: range("heapMb"), rssMbRange: range("rssMb") };
  memory.flat = memory.heapGrowth !== null && Math.abs(memory.heapGrowth) <= FLAT && Math.abs(memory.rssGrowth) <= FLAT;
  const summary = {
    minutes: DURATION_MS / 60_000,
    readsPerSecond: Number((done.reads / (DURATION_MS / 1000)).toFixed(1)),
    writesPerSecond: Number((done.writes / (DURATION_MS / 1000)).toFixed(1)),
    failures: done.failures,
    events: events.length,
    subscriptions: { expected, received: { activity: tally.activity.received, status: tally.status.received }, errors: tally.activity.errors + tally.status.errors, closed: tally.activity.closed + tally.status.closed },
    memory: { ...memory, heapGrowthPct: memory.heapGrowth === null ? null : Number((memory.heapGrowth * 100).toFixed(1)), rssGrowthPct: memory.rssGrowth === null ? null : Number((memory.rssGrowth * 100).toFixed(1)) },
  };
  console.log(JSON.stringify(summary, null, 2));
  console.log(memory.flat ? `memory flat: heap ${summary.memory.heapGrowthPct} %, RSS ${summary.memory.rssGrowthPct} % over the run after the warm-up (trend); RSS between ${memory.rssMbRange.min} and ${memory.rssMbRange.max} MB` : `memory NOT flat (or too short a run to tell): heap ${summary.memory.heapGrowthPct} %, RSS ${summary.memory.rssGrowthPct} %`);

  const resultsDir = path.join(__dirname, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `soak-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version, flags: FLAGS };
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), machine, dataSet: await counts(db), readers: READERS, writers: WRITERS, subscribers: sockets.length, warmupMs: WARMUP_MS, sampleMs: SAMPLE_MS, summary, samples }, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);

  for (const socket of sockets) socket.close(1000);
  await meridian.stop();
  agent.destroy();
  await database.close();
  if (done.failures > 0) process.exitCode = 1;
}

run(main);
