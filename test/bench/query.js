// Query benchmark: the coordinator dashboard (first 50 cases with patient name, status, status
// since, assignments with reviewer name and institution, record count) served by Meridian over
// HTTP, against plain node:http + pg answering the same JSON with one hand-written statement, in
// the same run, on the same seeded tables. Each contender runs in its own process with the same
// Node flags; the load (closed loop, 32 keep-alive clients) comes from this process. Rounds
// alternate between contenders, each after a warm-up. `--quick` keeps it under two minutes.
// BENCH_CPU_PROF=dir writes each contender's CPU profile there (same flags for both).
// PostGraphile (the third contender) is not a dependency here: its figures are in the issue.
const { fork } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const os = require("node:os");
const path = require("node:path");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { loadConfig } = require(path.join(dist, "config.js"));
const { createLogger } = require(path.join(dist, "logger.js"));
const { createRuntime } = require(path.join(dist, "runtime.js"));
const { signAccessToken } = require(path.join(dist, "auth", "tokens.js"));
const { hashPassword } = require(path.join(dist, "auth", "password.js"));
const { seal } = require(path.join(dist, "auth", "field-crypto.js"));
const { searchTextOf } = require(path.join(dist, "common", "search.js"));

const QUICK = process.argv.includes("--quick");
const CONCURRENCY = 32;
const POOL_SIZE = 10;
const WARMUP_MS = QUICK ? 3_000 : 10_000;
const MEASURE_MS = QUICK ? 8_000 : 30_000;
const ROUNDS = 2;
const SIZE = { patients: 2_000, cases: 5_000, reviewers: 60, recordsPerCase: 4, ...(process.env.BENCH_CASES ? { cases: Number(process.env.BENCH_CASES) } : {}) };
const FLAGS = ["--max-semi-space-size=64"];
const STATUSES = ["RECORDS_COLLECTION", "CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED", "CLOSED", "ON_HOLD", "WITHDRAWN"];

const DASHBOARD = `query Dashboard($first: Int!) { cases(first: $first) { totalCount edges { node { id reference status statusSince patient { fullName } assignments { status reviewer { displayName institution } } recordCount } } } }`;

async function insertUsers(db, role, names) {
  const emails = names.map((_, i) => `${role.toLowerCase()}${i}@bench.meridian`);
  return db.query(
    `INSERT INTO app_user (email, role, display_name, password_hash, search_text)
     SELECT e, $1, n, $4, s FROM unnest($2::text[], $3::text[], $5::text[]) AS t(e, n, s) RETURNING id`,
    [role, emails, names, SIZE.passwordHash, names.map((n, i) => searchTextOf(n, emails[i]))],
  );
}

/** The data set, all in SQL; one argon2 hash shared by every account. */
async function seed(db, runtime) {
  SIZE.passwordHash = await hashPassword("bench-password-0001");
  const [coordinator] = await insertUsers(db, "COORDINATOR", ["Bench Coordinator"]);
  const reviewerUsers = await insertUsers(db, "REVIEWER", Array.from({ length: SIZE.reviewers }, (_, i) => `Dr Reviewer ${i}`));
  await db.query(
    `INSERT INTO reviewer (user_id, institution, country, specialties, languages)
     SELECT u, 'Institute ' || (o % 12), 'CN', '{Oncology}', '{EN,ZH}' FROM unnest($1::uuid[]) WITH ORDINALITY AS t(u, o)`,
    [reviewerUsers.map((u) => u.id)],
  );
  const names = Array.from({ length: SIZE.patients }, (_, i) => `Patient ${String.fromCharCode(65 + (i % 26))}${i} Bench`);
  const patientUsers = await insertUsers(db, "PATIENT", names);
  const dobs = names.map((_, i) => seal(runtime.keyRing, `19${40 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`));
  const cards = names.map((_, i) => seal(runtime.keyRing, `${1000000000 + i}`));
  await db.query(
    `INSERT INTO patient (user_id, full_name, date_of_birth_enc, health_card_number_enc, preferred_language, search_text)
     SELECT u, n, d, h, CASE WHEN o % 3 = 0 THEN 'ZH' ELSE 'EN' END, s FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS t(u, n, d, h, s, o)`,
    [patientUsers.map((u) => u.id), names, dobs, cards, names.map((n) => searchTextOf(n))],
  );
  await db.query(`INSERT INTO consent (patient_id, scope, destination_countries, attested_by_coordinator, recorded_by_user_id) SELECT id, 'CROSS_BORDER_REVIEW', '{CN}', true, $1 FROM patient`, [coordinator.id]);
  // Cases over the past years, every status; the newest first on the dashboard.
  await db.query(
    `INSERT INTO medical_case (reference, patient_id, status, held_from, status_since, version, reason, patient_age_band, opened_by_user_id, opened_at, updated_at)
     SELECT 'MER-B-' || g, p.id, s.status, CASE WHEN s.status = 'ON_HOLD' THEN 'TRANSLATION' END, now() - (g % 400) * interval '1 hour', 3,
            'Second opinion on the treatment plan', '60-69', $1, now() - g * interval '37 minutes', now() - (g % 500) * interval '1 minute'
     FROM generate_series(1, $2) g
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM patient) p ON p.n = g % $3
     JOIN (SELECT status, ordinality - 1 AS n FROM unnest($4::text[]) WITH ORDINALITY AS x(status)) s ON s.n = g % 9`,
    [coordinator.id, SIZE.cases, SIZE.patients, STATUSES],
  );
  // Four in five cases have a reviewer, some two: about 4,000 assignments.
  await db.query(
    `INSERT INTO review_assignment (case_id, reviewer_id, status, invited_at, opinion, submitted_at)
     SELECT c.id, r.id, st, now() - r.n * interval '1 minute', CASE WHEN st = 'SUBMITTED' THEN 'Agree with the plan' END, CASE WHEN st = 'SUBMITTED' THEN now() END
     FROM (SELECT id, row_number() OVER (ORDER BY opened_at) AS n FROM medical_case) c
     JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM reviewer) r ON r.n = c.n % $1 OR (c.n % 7 = 0 AND r.n = (c.n + 1) % $1)
     CROSS JOIN LATERAL (SELECT (ARRAY['INVITED','ACCEPTED','SUBMITTED','DECLINED'])[1 + c.n % 4] AS st) s
     WHERE c.n % 5 <> 0`,
    [SIZE.reviewers],
  );
  await db.query(
    `INSERT INTO medical_record (case_id, kind, title, language, added_by_user_id, content_type, size_bytes, sha256, uploaded_at, shared_with_reviewers, shared_at)
     SELECT c.id, 'CLINICAL_NOTE', 'Note ' || k, 'EN', $1, 'application/pdf', 1000, repeat('0', 64), now(), k % 2 = 0, CASE WHEN k % 2 = 0 THEN now() END
     FROM medical_case c CROSS JOIN generate_series(1, $2) k`,
    [coordinator.id, SIZE.recordsPerCase],
  );
  await db.query(
    `INSERT INTO case_summary (case_id, language, version, primary_cancer, stage, created_by_user_id, published_at)
     SELECT id, 'EN', 1, 'Breast cancer', 'II', $1, now() FROM medical_case`,
    [coordinator.id],
  );
  await db.query(
    `INSERT INTO comment (case_id, summary_id, section, body, author_user_id)
     SELECT s.case_id, s.id, 'STAGE', 'Please confirm the stage', $1 FROM case_summary s CROSS JOIN generate_series(1, 2)`,
    [coordinator.id],
  );
  await db.query(
    `INSERT INTO case_event (case_id, type, to_status, actor_user_id)
     SELECT id, t, CASE WHEN t = 'STATUS_CHANGED' THEN status END, $1 FROM medical_case CROSS JOIN unnest(ARRAY['CASE_OPENED','RECORD_ADDED','STATUS_CHANGED']) t`,
    [coordinator.id],
  );
  await db.query(`INSERT INTO auth_session (user_id, family_id, token_hash, expires_at) VALUES ($1::uuid, $1::uuid, md5($1::uuid::text) || md5($1::uuid::text), now() + interval '1 day')`, [coordinator.id]);
  await db.query("ANALYZE");
  const counts = (await db.query(
    `SELECT (SELECT count(*) FROM patient) AS patients, (SELECT count(*) FROM medical_case) AS cases, (SELECT count(*) FROM medical_record) AS records,
            (SELECT count(*) FROM reviewer) AS reviewers, (SELECT count(*) FROM review_assignment) AS assignments, (SELECT count(*) FROM comment) AS comments,
            (SELECT count(*) FROM case_event) AS events`,
  ))[0];
  return { coordinator: coordinator.id, counts: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, Number(v)])) };
}

function startContender(kind, url, dataDir) {
  const child = fork(path.join(__dirname, "query-server.js"), [kind, url, dataDir, String(POOL_SIZE)], { execArgv: [...FLAGS, ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (message, key) => new Promise((resolve) => {
    const onMessage = (reply) => {
      if (key in reply) {
        child.off("message", onMessage);
        resolve(reply[key]);
      }
    };
    child.on("message", onMessage);
    if (message) child.send(message);
  });
  process.on("exit", () => child.kill());
  return { kind, child, port: ask(null, "port"), statements: () => ask({ cmd: "statements" }, "statements") };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(port, body, token) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), authorization: `Bearer ${token}` } },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Closed loop: CONCURRENCY clients, each sending its next request when the last one answered. */
async function load(port, body, token, ms) {
  const latencies = [];
  const until = Date.now() + ms;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) {
      const t0 = process.hrtime.bigint();
      await post(port, body, token);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { requests: latencies.length, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const database = await openBenchDatabase({ poolSize: 4 });
  const { db } = database;
  const config = { ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: database.root }), databaseUrl: database.url, logLevel: "silent" };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const seedStarted = Date.now();
  const { coordinator, counts } = await seed(db, runtime);
  console.log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);
  // The plans of the dashboard's list statements on this data (the page must walk ix_medical_case_opened, not sort).
  const plans = {};
  for (const [name, sql] of Object.entries({
    page: `SELECT c.* FROM medical_case c WHERE c.erased_at IS NULL ORDER BY c.opened_at DESC, c.id DESC LIMIT 51`,
    count: `SELECT count(*) FROM medical_case c WHERE c.erased_at IS NULL`,
  })) {
    plans[name] = (await db.query(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`)).map((row) => row["QUERY PLAN"]);
    console.log(`${name}: ${plans[name].join(" | ")}`);
  }
  const token = await signAccessToken(runtime.jwtSecret, { userId: coordinator, role: "COORDINATOR", familyId: coordinator }, 3600);
  await db.destroy();

  const contenders = [startContender("meridian", database.url, database.root), startContender("baseline", database.url, database.root)];
  for (const c of contenders) c.port = await c.port;
  const body = JSON.stringify({ query: DASHBOARD, variables: { first: 50 } });

  // Both answer the same cases in the same order, with the same nested data.
  const answers = await Promise.all(contenders.map(async (c) => JSON.parse((await post(c.port, body, token)).toString())));
  for (const answer of answers) if (answer.errors || answer.data.cases.edges.length !== 50) throw new Error(`bad answer: ${JSON.stringify(answer).slice(0, 500)}`);
  const normalize = (a) => a.data.cases.edges.map(({ node }) => JSON.stringify({ ...node, statusSince: new Date(node.statusSince).getTime() }));
  const [ours, theirs] = answers.map(normalize);
  const differing = ours.findIndex((edge, i) => edge !== theirs[i]);
  if (differing >= 0 || answers[0].data.cases.totalCount !== answers[1].data.cases.totalCount) {
    throw new Error(`the contenders answer different data (totalCount ${answers[0].data.cases.totalCount} vs ${answers[1].data.cases.totalCount}):\n${ours[differing]}\n${theirs[differing]}`);
  }

  const rounds = new Map(contenders.map((c) => [c.kind, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) {
      await load(c.port, body, token, WARMUP_MS);
      const before = await c.statements();
      const result = await load(c.port, body, token, MEASURE_MS);
      result.statements = (await c.statements() - before) / result.requests;
      rounds.get(c.kind).push(result);
      console.log(`round ${round + 1} ${c.kind}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.statements.toFixed(2)} SQL/request`);
    }
  }
  const summary = contenders.map((c) => {
    const rs = rounds.get(c.kind);
    return { contender: c.kind, rps: median(rs.map((r) => r.rps)), p50_ms: median(rs.map((r) => r.p50)), p99_ms: median(rs.map((r) => r.p99)), sql_per_request: median(rs.map((r) => r.statements)) };
  });
  const base = summary.find((s) => s.contender === "baseline").rps;
  const table = summary.map((s) => ({ ...s, rps: Math.round(s.rps), p50_ms: Number(s.p50_ms.toFixed(1)), p99_ms: Number(s.p99_ms.toFixed(1)), sql_per_request: Number(s.sql_per_request.toFixed(2)), vs_baseline: Number((s.rps / base).toFixed(2)) }));
  console.table(table);

  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version, flags: FLAGS };
  const resultsDir = path.join(__dirname, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `query-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), quick: QUICK, machine, concurrency: CONCURRENCY, warmupMs: WARMUP_MS, measureMs: MEASURE_MS, rounds: ROUNDS, dataSet: counts, plans, results: table, byRound: Object.fromEntries(rounds) }, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), file)}`);

  for (const c of contenders) c.child.kill();
  agent.destroy();
  await database.close();
}

run(main);
