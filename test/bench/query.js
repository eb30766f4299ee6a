// Query benchmark. Seeds the data set (query-seed.js), starts every contender in its own
// process with the same Node flags (query-server.js: Meridian, plain node:http + pg,
// PostGraphile 5), checks that they answer identical data, then measures each scenario
// after a warm-up, closed loop with 32 keep-alive clients from this process, rounds
// alternating between scenarios; the figures are the medians of the rounds:
// - the coordinator dashboard (the issue's selection: 50 cases with patient name, status,
//   status since, assignments with reviewer name and institution, record count), on all three;
// - the web app's own Dashboard operation (client/src/cases/dashboard.graphql);
// - the same list for an ACCEPTED reviewer (the de-identified path);
// - one case's detail page as the web app loads it: CaseDetail and CaseTimeline together.
// For each: req/s, p50/p99, SQL statements per request (counted in each contender's pg
// driver), the contender's CPU and PostgreSQL's (in % of one core, and in ms per request).
// Then EXPLAIN (ANALYZE) of every statement Meridian sends for its two lists.
// Without --quick it also grows the data to 50,000 cases and measures the dashboard again
// (--scale: only that, the dashboards at 5,000 and at 50,000 cases; with --quick, shortened).
// BENCH_CPU_PROF=dir writes each contender's CPU profile there.
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { dist, openBenchDatabase, run } = require("./bench-database.js");
const { SEED_STATEMENT_TIMEOUT_MS, seed, addCases, counts } = require("./query-seed.js");
const { clientOperation, DASHBOARD, POSTGRAPHILE_DASHBOARD, fromPostgraphile } = require("./query-operations.js");
const { CONCURRENCY, FLAGS, agent, closedLoop, post, postgresCpu, sessionToken, startContender } = require("./query-load.js");
const { loadConfig } = require(path.join(dist, "config.js"));
const { createLogger } = require(path.join(dist, "logger.js"));
const { createRuntime } = require(path.join(dist, "runtime.js"));

const QUICK = process.argv.includes("--quick");
/** --scale: the dashboards alone, at 5,000 cases then at 50,000 (a full run does this after everything else). */
const SCALE_ONLY = process.argv.includes("--scale");
const SCALE = !QUICK || SCALE_ONLY;
/** The first round's warm-up; later rounds warm up for a third of it (the processes are warm by then). */
const WARMUP_MS = QUICK ? 2_000 : 6_000;
const MEASURE_MS = QUICK ? 4_000 : 15_000;
const ROUNDS = QUICK ? 2 : 3;
const SIZE = { patients: 2_000, cases: 5_000, scaledCases: 50_000 };
const PAGE = 50;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const json = (buffer) => JSON.parse(buffer.toString());

/** Every scenario, as a function sending one request (or page) to its contender. */
function scenarios(ports, tokens, detailCase) {
  const body = (query, variables) => JSON.stringify({ query, variables });
  const dashboard = body(DASHBOARD, { first: PAGE });
  const postgraphileDashboard = body(POSTGRAPHILE_DASHBOARD, { first: PAGE });
  const webDashboard = body(clientOperation("Dashboard"), { first: PAGE });
  const detail = body(clientOperation("CaseDetail"), { id: detailCase });
  const timeline = body(clientOperation("CaseTimeline"), { id: detailCase });
  return [
    { name: "dashboard", contender: "meridian", send: () => post(ports.meridian, dashboard, tokens.coordinator) },
    { name: "dashboard", contender: "baseline", send: () => post(ports.baseline, dashboard) },
    { name: "dashboard", contender: "postgraphile", send: () => post(ports.postgraphile, postgraphileDashboard) },
    { name: "web app Dashboard", contender: "meridian", send: () => post(ports.meridian, webDashboard, tokens.coordinator) },
    { name: "reviewer list", contender: "meridian", send: () => post(ports.meridian, dashboard, tokens.reviewer) },
    { name: "case detail page", contender: "meridian", send: () => Promise.all([post(ports.meridian, detail, tokens.coordinator), post(ports.meridian, timeline, tokens.coordinator)]) },
  ];
}

/** One decoded answer per scenario, checked: the dashboards identical across contenders, the others complete. */
async function checkAnswers(list) {
  const answers = new Map();
  for (const s of list) answers.set(`${s.name}/${s.contender}`, await s.send());
  const edges = (answer) => answer.data.cases.edges.map(({ node }) => JSON.stringify({ ...node, statusSince: new Date(node.statusSince).getTime() }));
  const ours = json(answers.get("dashboard/meridian"));
  for (const [contender, answer] of [["baseline", json(answers.get("dashboard/baseline"))], ["postgraphile", fromPostgraphile(json(answers.get("dashboard/postgraphile")))]]) {
    const [a, b] = [edges(ours), edges(answer)];
    const differing = a.findIndex((edge, i) => edge !== b[i]);
    if (a.length !== PAGE || b.length !== PAGE || differing >= 0 || ours.data.cases.totalCount !== answer.data.cases.totalCount) {
      throw new Error(`meridian and ${contender} answer different dashboards (totalCount ${ours.data.cases.totalCount} vs ${answer.data.cases.totalCount}):\n${a[differing]}\n${b[differing]}`);
    }
  }
  if (json(answers.get("web app Dashboard/meridian")).data.cases.edges.length !== PAGE) throw new Error("the web app's Dashboard answered a short page");
  const reviewer = json(answers.get("reviewer list/meridian")).data.cases;
  if (reviewer.edges.length !== PAGE || reviewer.edges.some(({ node }) => node.patient !== null)) throw new Error(`the reviewer's list is short or not de-identified: ${JSON.stringify(reviewer).slice(0, 300)}`);
  const [detail, timeline] = answers.get("case detail page/meridian").map(json);
  const c = detail.data.case;
  const complete = c.summaries.some((s) => s.language === "EN") && c.summaries.some((s) => s.language === "ZH") && c.records.length > 0 && c.comments.length > 0 && c.options.length > 0 && c.assignments.length > 0 && timeline.data.case.events.length > 0;
  if (!complete) throw new Error(`the detail page misses a part: ${JSON.stringify(detail).slice(0, 500)}`);
  return { dashboardBytes: answers.get("dashboard/meridian").length };
}

/** One measured window of one scenario: load figures, SQL per request, CPU of the contender and of PostgreSQL. */
async function measure(s, contender, database, warmupMs) {
  await closedLoop(s.send, warmupMs);
  const [before, pgBefore] = [await contender.stats(), postgresCpu(database)];
  const result = await closedLoop(s.send, MEASURE_MS);
  const [after, pgAfter] = [await contender.stats(), postgresCpu(database)];
  const wallSeconds = (after.at - before.at) / 1000;
  return {
    ...result,
    statements: (after.statements - before.statements) / result.requests,
    serverCpu: (after.cpuMicros - before.cpuMicros) / 1e4 / wallSeconds,
    postgresCpu: (pgAfter.since(pgBefore) * 100) / wallSeconds,
    // CPU time per request holds better than req/s when other jobs take the cores.
    serverCpuMs: (after.cpuMicros - before.cpuMicros) / 1000 / result.requests,
    postgresCpuMs: (pgAfter.since(pgBefore) * 1000) / result.requests,
  };
}

async function measureAll(list, contenders, database, label) {
  const rounds = new Map(list.map((s) => [s, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of list) {
      const r = await measure(s, contenders[s.contender], database, round === 0 ? WARMUP_MS : WARMUP_MS / 3);
      rounds.get(s).push(r);
      console.log(`${label} round ${round + 1} ${s.name} / ${s.contender}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.statements.toFixed(2)} SQL/req, server ${r.serverCpu.toFixed(0)} % (${r.serverCpuMs.toFixed(1)} ms/req), PostgreSQL ${r.postgresCpu.toFixed(0)} % (${r.postgresCpuMs.toFixed(1)} ms/req)`);
    }
  }
  return list.map((s) => {
    const rs = rounds.get(s);
    const pick = (key) => median(rs.map((r) => r[key]));
    return { scenario: s.name, contender: s.contender, rps: pick("rps"), p50_ms: pick("p50"), p99_ms: pick("p99"), sql_per_request: pick("statements"), server_cpu_pct: pick("serverCpu"), postgres_cpu_pct: pick("postgresCpu"), server_cpu_ms: pick("serverCpuMs"), postgres_cpu_ms: pick("postgresCpuMs"), rounds: rs };
  });
}

/** The printed and saved rows: rounded, with the dashboard's ratios to the baselines. */
function table(summary) {
  const rps = (contender) => summary.find((s) => s.scenario === "dashboard" && s.contender === contender)?.rps;
  return summary.map((s) => ({
    scenario: s.scenario,
    contender: s.contender,
    "req/s": Math.round(s.rps),
    "p50 ms": Number(s.p50_ms.toFixed(1)),
    "p99 ms": Number(s.p99_ms.toFixed(1)),
    "SQL/req": Number(s.sql_per_request.toFixed(2)),
    "server CPU %": Math.round(s.server_cpu_pct),
    "PostgreSQL CPU %": Math.round(s.postgres_cpu_pct),
    "server CPU ms/req": Number(s.server_cpu_ms.toFixed(1)),
    "PostgreSQL CPU ms/req": Number(s.postgres_cpu_ms.toFixed(1)),
    "vs plain": s.scenario === "dashboard" ? Number((s.rps / rps("baseline")).toFixed(2)) : null,
    "vs PostGraphile": s.scenario === "dashboard" ? Number((s.rps / rps("postgraphile")).toFixed(2)) : null,
  }));
}

/** The same rows as a Markdown table, for docs/PERFORMANCE.md. */
function markdown(rows) {
  const keys = Object.keys(rows[0]);
  const cell = (v) => (v === null ? "" : typeof v === "number" ? v.toLocaleString("en-US") : v);
  return [`| ${keys.join(" | ")} |`, `| ${keys.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(" | ")} |`)].join("\n");
}

/** EXPLAIN (ANALYZE) of every SELECT Meridian sends for one request, with the scans each uses. */
async function explainRequest(db, contender, send) {
  await contender.capture(true);
  await send();
  const statements = await contender.capture(false);
  const plans = [];
  for (const { text, values } of statements) {
    if (!/^\s*(WITH|SELECT)\b/i.test(text)) continue;
    const plan = (await db.query(`EXPLAIN (ANALYZE, COSTS OFF) ${text}`, values)).map((row) => row["QUERY PLAN"]);
    const scans = plan.flatMap((line) => {
      const m = /(Seq Scan|Parallel Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan|Bitmap Heap Scan)(?: Backward)?(?: using (\S+))? on (\S+)/.exec(line) ?? /(Bitmap Index Scan) on (\S+)/.exec(line);
      if (!m) return [];
      return m[3] ? [`${m[1]} on ${m[3]}${m[2] ? ` using ${m[2]}` : ""}`] : [`${m[1]} on ${m[2]}`];
    });
    const time = plan.find((line) => line.startsWith("Execution Time"));
    // A sequential scan of a table that grows with the cases makes the request grow with them too.
    const growing = [];
    for (const scan of scans.filter((x) => x.startsWith("Seq Scan"))) {
      const table = scan.split(" on ")[1];
      const [{ rows }] = await db.query(`SELECT reltuples::bigint AS rows FROM pg_class WHERE oid = $1::regclass`, [table]);
      if (Number(rows) >= 1000) growing.push(`${table} (${rows} rows)`);
    }
    plans.push({ sql: text.replace(/\s+/g, " ").trim(), scans, seqScansOfLargeTables: growing, executionTime: time, plan });
  }
  return plans;
}

async function explainLists(db, contender, list, label) {
  const out = {};
  for (const name of ["dashboard", "reviewer list"]) {
    const s = list.find((x) => x.name === name && x.contender === "meridian");
    out[name] = await explainRequest(db, contender, s.send);
    console.log(`\nEXPLAIN ${label}, ${name}: ${out[name].length} SELECT statements`);
    for (const p of out[name]) {
      const warning = p.seqScansOfLargeTables.length ? `\n    SEQUENTIAL SCAN OF ${p.seqScansOfLargeTables.join(", ")}` : "";
      console.log(`  ${p.executionTime}: ${p.scans.join("; ") || "no table scan"}${warning}\n    ${p.sql.slice(0, 160)}${p.sql.length > 160 ? " ..." : ""}`);
    }
  }
  return out;
}

function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)), node: process.version, flags: FLAGS, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))) };
}

async function main() {
  const started = Date.now();
  const database = await openBenchDatabase({ poolSize: 4, statementTimeoutMs: SEED_STATEMENT_TIMEOUT_MS });
  const { db } = database;
  const config = { ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: database.root }), databaseUrl: database.url, logLevel: "silent" };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const ids = await seed(db, runtime.keyRing, SIZE);
  const dataSet = await counts(db);
  console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(dataSet)}`);
  const tokens = { coordinator: await sessionToken(db, runtime, ids.coordinator, "COORDINATOR"), reviewer: await sessionToken(db, runtime, ids.acceptedUser, "REVIEWER") };

  const contenders = Object.fromEntries(["meridian", "baseline", "postgraphile"].map((kind) => [kind, startContender(kind, database)]));
  const ports = {};
  for (const [kind, c] of Object.entries(contenders)) ports[kind] = await c.ready;
  const list = scenarios(ports, tokens, ids.detailCase);
  const checked = await checkAnswers(list);
  console.log(`every contender answers the same dashboard (${checked.dashboardBytes} bytes from Meridian); the reviewer's list is de-identified; the detail page is complete`);

  const dashboards = list.filter((s) => s.name === "dashboard");
  const summary = await measureAll(SCALE_ONLY ? dashboards : list, contenders, database, `${SIZE.cases} cases`);
  const rows = table(summary);
  console.table(rows);
  console.log(`\n${markdown(rows)}`);
  const plans = { [SIZE.cases]: await explainLists(db, contenders.meridian, list, `${SIZE.cases} cases`) };

  let scale = null;
  if (SCALE) {
    const grown = Date.now();
    await addCases(db, ids, SIZE.cases, SIZE.scaledCases);
    console.log(`\ngrown to ${SIZE.scaledCases} cases in ${((Date.now() - grown) / 1000).toFixed(1)} s`);
    await checkAnswers(list);
    const scaled = await measureAll(dashboards, contenders, database, `${SIZE.scaledCases} cases`);
    plans[SIZE.scaledCases] = await explainLists(db, contenders.meridian, list, `${SIZE.scaledCases} cases`);
    scale = {
      dataSet: await counts(db),
      results: table(scaled),
      ratios: scaled.map((s) => {
        const small = summary.find((x) => x.scenario === "dashboard" && x.contender === s.contender);
        const cpu = (x) => x.server_cpu_ms + x.postgres_cpu_ms;
        return {
          contender: s.contender,
          [`req/s at ${SIZE.scaledCases} / at ${SIZE.cases}`]: Number((s.rps / small.rps).toFixed(2)),
          [`CPU ms/req (contender + PostgreSQL) at ${SIZE.cases} / at ${SIZE.scaledCases}`]: Number((cpu(small) / cpu(s)).toFixed(2)),
        };
      }),
      byRound: scaled.map(({ scenario, contender, rounds }) => ({ scenario, contender, rounds })),
    };
    console.log(`\n${markdown(scale.results)}\n\n${markdown(scale.ratios)}`);
  }

  const resultsDir = path.join(__dirname, "results");
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `query-${new Date().toISOString().replace(/[:.]/g, "-")}${QUICK ? "-quick" : ""}${SCALE_ONLY ? "-scale" : ""}.json`);
  const record = {
    at: new Date().toISOString(),
    quick: QUICK,
    scaleOnly: SCALE_ONLY,
    machine: machine(),
    concurrency: CONCURRENCY,
    warmupMs: WARMUP_MS,
    measureMs: MEASURE_MS,
    rounds: ROUNDS,
    sqlCounting: "statements sent through each contender's pg driver (pg.Client#query), BEGIN/COMMIT included",
    cpu: "% of one core over the measured window, and CPU ms per request: the contender's process.cpuUsage(); PostgreSQL's postmaster and children from /proc",
    dataSet,
    results: rows,
    byRound: summary.map(({ scenario, contender, rounds }) => ({ scenario, contender, rounds })),
    scale,
    plans,
  };
  fs.writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
  console.log(`results: ${path.relative(process.cwd(), file)} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

  await Promise.all(Object.values(contenders).map((c) => c.stop()));
  agent.destroy();
  await database.close();
}

run(main);
