// A contender of the query benchmark, in a process of its own (forked by query.js and soak.js
// with the same Node flags as every other contender):
// - `meridian`: the real app (Apollo, authorization, de-identification, audit) over the bench database;
// - `baseline`: plain node:http + pg answering the dashboard with one hand-written statement;
// - `postgraphile`: PostGraphile 5 (amber preset) serving the same tables.
// It sends {port} when listening and answers {cmd: "stats"} with the SQL statements it has
// sent so far (counted in the driver, pg.Client#query, the same way for every contender:
// BEGIN and COMMIT count, as they are round trips too), its CPU time, heap and RSS.
require("reflect-metadata");
const http = require("node:http");
const path = require("node:path");
const pg = require("pg");

const dist = path.join(__dirname, "..", "..", "dist", "server");
const [kind, url, dataDir, poolSize] = process.argv.slice(2);

let statements = 0;
/** While set, the statements sent (text and parameters), for query.js to EXPLAIN. */
let captured = null;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements++;
  if (captured) {
    const [first, second] = args;
    const text = typeof first === "string" ? first : first?.text;
    const values = Array.isArray(second) ? second : first?.values;
    if (text) captured.push({ text, values: values ?? [] });
  }
  return query.apply(this, args);
};

/** The dashboard as one statement: the page, its patients, assignments with reviewers, record counts, the total. */
const DASHBOARD_SQL = `
SELECT json_build_object('data', json_build_object('cases', json_build_object(
  'totalCount', (SELECT count(*) FROM medical_case WHERE erased_at IS NULL),
  'edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', c.id, 'reference', c.reference, 'status', c.status,
    'statusSince', to_char(c.status_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'patient', json_build_object('fullName', p.full_name),
    'assignments', (SELECT coalesce(json_agg(json_build_object('status', a.status, 'reviewer', json_build_object('displayName', u.display_name, 'institution', r.institution)) ORDER BY a.invited_at, a.id), '[]')
                    FROM review_assignment a JOIN reviewer r ON r.id = a.reviewer_id JOIN app_user u ON u.id = r.user_id WHERE a.case_id = c.id),
    'recordCount', (SELECT count(*) FROM medical_record m WHERE m.case_id = c.id AND m.uploaded_at IS NOT NULL)
  )) ORDER BY c.opened_at DESC, c.id DESC), '[]')
))) AS body
FROM (SELECT * FROM medical_case WHERE erased_at IS NULL ORDER BY opened_at DESC, id DESC LIMIT $1) c
JOIN patient p ON p.id = c.patient_id`;

/** Connections kept for the whole run (the PostgreSQL CPU figure is read per backend process). */
function benchPool() {
  const pool = new pg.Pool({ connectionString: url, max: Number(poolSize), idleTimeoutMillis: 0 });
  // An idle connection's error (PostgreSQL stopping at the end of the run) is not the contender's failure.
  pool.on("error", () => {});
  return pool;
}

async function baseline() {
  const pool = benchPool();
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      try {
        const { variables } = JSON.parse(body);
        const { rows } = await pool.query({ name: "dashboard", text: DASHBOARD_SQL, values: [variables.first] });
        const json = JSON.stringify(rows[0].body);
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
        res.end(json);
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

async function meridian() {
  const { createDataSource } = require(path.join(dist, "db", "data-source.js"));
  const { loadConfig } = require(path.join(dist, "config.js"));
  const { createLogger } = require(path.join(dist, "logger.js"));
  const { createRuntime } = require(path.join(dist, "runtime.js"));
  const { createApp } = require(path.join(dist, "app.js"));
  const db = createDataSource({ url, poolSize: Number(poolSize) });
  await db.initialize();
  // Limits far above what 32 clients from one address need: the bench measures the work, not a throttle.
  const config = {
    ...loadConfig({
      NODE_ENV: "bench",
      MERIDIAN_DATA_DIR: dataDir,
      MERIDIAN_CONNECTIONS_PER_ADDRESS: "100000",
      MERIDIAN_MAX_CONNECTIONS: "100000",
      MERIDIAN_WS_PER_USER: "100000",
      MERIDIAN_WS_PER_ADDRESS: "100000",
      MERIDIAN_SUBSCRIPTIONS_PER_USER: "100000",
      MERIDIAN_REQUESTS_PER_MINUTE: "100000000",
      MERIDIAN_COMMENTS_PER_MINUTE: "100000000",
    }),
    databaseUrl: url,
    logLevel: "silent",
    // Events reach subscribers by NOTIFY alone: no poll adds statements to what is counted.
    outboxPollMs: 0,
  };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const app = await createApp(runtime);
  return app.listen(0);
}

/**
 * PostGraphile 5 with its recommended preset over the same tables, no smart tags; only the
 * plugin that hides ordering and filtering on unindexed columns is off, so it can order a
 * case's assignments by invited_at and leave out erased cases as Meridian does.
 */
async function postgraphile() {
  // PostGraphile 5 uses Promise.withResolvers (Node 22); Node 20 lacks it.
  Promise.withResolvers ??= function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
  // Production mode, as a deployment would run it (and without the notice that it is not set).
  process.env.GRAPHILE_ENV ??= "production";
  const { postgraphile: build } = await import("postgraphile");
  const { PostGraphileAmberPreset } = await import("postgraphile/presets/amber");
  const { makePgService } = await import("postgraphile/adaptors/pg");
  const { grafserv } = await import("postgraphile/grafserv/node");
  const pool = benchPool();
  const pgl = build({
    extends: [PostGraphileAmberPreset],
    disablePlugins: ["PgIndexBehaviorsPlugin"],
    pgServices: [makePgService({ pool, schemas: ["public"] })],
    grafast: { explain: false },
    grafserv: { graphiql: false, watch: false },
  });
  const server = http.createServer();
  pgl.createServ(grafserv).addTo(server);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server.address().port;
}

const CONTENDERS = { meridian, baseline, postgraphile };

// A normal exit, so that a --cpu-prof run writes its profile.
process.on("SIGTERM", () => process.exit(0));
process.on("message", (message) => {
  if (message.cmd === "capture") {
    process.send({ captured });
    captured = message.on ? [] : null;
  }
  if (message.cmd === "stats") {
    // The soak samples memory after a full collection, so that the figures compare.
    if (message.gc) global.gc?.();
    const { heapUsed, rss } = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send({ stats: { statements, cpuMicros: cpu.user + cpu.system, heapUsed, rss, at: Date.now() } });
  }
});
CONTENDERS[kind]().then(
  (port) => process.send({ port }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
