// A contender of the query benchmark, in a process of its own (forked by query.js with the
// same Node flags as every other contender): `meridian` is the real app over the bench
// database; `baseline` is plain node:http + pg answering the dashboard with one hand-written
// statement. It sends {port} when listening, and answers {cmd: "statements"} with the number
// of SQL statements it has sent so far.
require("reflect-metadata");
const http = require("node:http");
const path = require("node:path");
const pg = require("pg");

const dist = path.join(__dirname, "..", "..", "dist", "server");
const [kind, url, dataDir, poolSize] = process.argv.slice(2);
let statements = 0;

/** The dashboard as one statement: the page, its patients, assignments with reviewers, record counts, the total. */
const DASHBOARD_SQL = `
SELECT json_build_object('data', json_build_object('cases', json_build_object(
  'totalCount', (SELECT count(*) FROM medical_case WHERE erased_at IS NULL),
  'edges', coalesce(json_agg(json_build_object('node', json_build_object(
    'id', c.id, 'reference', c.reference, 'status', c.status,
    'statusSince', to_char(c.status_since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    'patient', json_build_object('fullName', p.full_name),
    'assignments', (SELECT coalesce(json_agg(json_build_object('status', a.status, 'reviewer', json_build_object('displayName', u.display_name, 'institution', r.institution)) ORDER BY a.invited_at), '[]')
                    FROM review_assignment a JOIN reviewer r ON r.id = a.reviewer_id JOIN app_user u ON u.id = r.user_id WHERE a.case_id = c.id),
    'recordCount', (SELECT count(*) FROM medical_record m WHERE m.case_id = c.id AND m.uploaded_at IS NOT NULL)
  )) ORDER BY c.opened_at DESC, c.id DESC), '[]')
))) AS body
FROM (SELECT * FROM medical_case WHERE erased_at IS NULL ORDER BY opened_at DESC, id DESC LIMIT $1) c
JOIN patient p ON p.id = c.patient_id`;

async function baseline() {
  const pool = new pg.Pool({ connectionString: url, max: Number(poolSize) });
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", async () => {
      try {
        const { variables } = JSON.parse(body);
        statements++;
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
  const db = createDataSource({ url, poolSize: Number(poolSize), onQuery: () => statements++ });
  await db.initialize();
  // Limits far above what 32 clients from one address need: the bench measures the work, not a throttle.
  const config = {
    ...loadConfig({ NODE_ENV: "bench", MERIDIAN_DATA_DIR: dataDir, MERIDIAN_CONNECTIONS_PER_ADDRESS: "100000", MERIDIAN_MAX_CONNECTIONS: "100000", MERIDIAN_WS_PER_USER: "100000", MERIDIAN_WS_PER_ADDRESS: "100000" }),
    databaseUrl: url,
    logLevel: "silent",
    outboxPollMs: 0,
  };
  const runtime = await createRuntime(config, db, createLogger("silent"));
  const app = await createApp(runtime);
  return app.listen(0);
}

// A normal exit, so that a --cpu-prof run writes its profile.
process.on("SIGTERM", () => process.exit(0));
process.on("message", (message) => {
  if (message.cmd === "statements") process.send({ statements });
});
(kind === "meridian" ? meridian() : baseline()).then(
  (port) => process.send({ port }),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
