/**
 * Process-level drills against the compiled start command (`node dist/server/main.js`):
 * first start, clean and unclean stops, stale lock files, production config refusal,
 * the database going away and coming back, and the migrate / seed CLIs.
 *
 * Every server and PostgreSQL here is a child process of this file with its own data
 * directory, never the shared test cluster. `npm test` builds dist/ before jest runs;
 * run `npm run build` first when running this file alone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import WebSocket from "ws";
import { freePort } from "../../server/db/embedded-postgres";
import { connect } from "../support/ws-client";

const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist", "server");
const MAIN = path.join(DIST, "main.js");
/** Every migration applied once: as many rows as migration files. */
const MIGRATION_COUNT = fs.readdirSync(path.join(ROOT, "migrations")).filter((file) => file.endsWith(".ts")).length;
const DEMO_EMAILS = ["admin@demo.meridian", "coordinator@demo.meridian", "reviewer.zh@demo.meridian", "reviewer.en@demo.meridian", "patient@demo.meridian"];
const ACTIVE_NOT_HELD = ["RECORDS_COLLECTION", "CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED"];
/** The embedded cluster's superuser password (server/db/embedded-postgres.ts). */
const EMBEDDED_PG_PASSWORD = "meridian-local";

// ---------------------------------------------------------------------------
// Child processes

interface Proc {
  child: ChildProcess;
  pid: number;
  /** stdout so far. */
  out(): string;
  /** stderr so far. */
  err(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** Resolves once stdout matches, rejects on timeout or early exit. */
  waitForOutput(pattern: RegExp, ms: number): Promise<RegExpMatchArray>;
  waitForExit(ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<Proc>();
const tempDirs: string[] = [];

function baseEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("MERIDIAN_") || key === "DATABASE_URL" || key === "PORT" || key === "NODE_ENV" || key === "LOG_LEVEL") continue;
    env[key] = value;
  }
  // Warnings and errors go to stdout (pino): they show up in failure messages.
  Object.assign(env, { NODE_ENV: "test", LOG_LEVEL: "warn" }, extra);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

function run(args: string[], env: NodeJS.ProcessEnv, options: { ipc?: boolean } = {}): Proc {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe", ...(options.ipc ? (["ipc"] as const) : [])] });
  let out = "";
  let err = "";
  let done = false;
  child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );
  const describe = () => `\n--- stdout ---\n${out.slice(-3000)}\n--- stderr ---\n${err.slice(-3000)}`;
  const proc: Proc = {
    child,
    pid: child.pid!,
    out: () => out,
    err: () => err,
    exited,
    hasExited: () => done,
    async waitForOutput(pattern, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const match = out.match(pattern);
        if (match) return match;
        if (done) throw new Error(`process exited before printing ${pattern}${describe()}`);
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${pattern}${describe()}`);
        await sleep(25);
      }
    },
    async waitForExit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`process ${child.pid} did not exit within ${ms} ms${describe()}`)), ms);
      });
      try {
        return await Promise.race([exited, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
  children.add(proc);
  void exited.then(() => children.delete(proc));
  return proc;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntil<T>(what: string, ms: number, attempt: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    await sleep(200);
  }
}

function tempDir(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `meridian-${name}-`));
  tempDirs.push(dir);
  return dir;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The postmaster's pid and port, from the lock file of an embedded cluster (or undefined). */
function postmaster(pgDir: string): { pid: number; port: number; content: string } | undefined {
  const file = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(file)) return undefined;
  const content = fs.readFileSync(file, "utf8");
  const lines = content.split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]), content };
}

/** True when `pid` is a live postgres whose working directory is `pgDir` (postgres chdirs to its data directory). */
function isPostmasterOf(pid: number, pgDir: string): boolean {
  try {
    return isAlive(pid) && fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(pgDir);
  } catch {
    return false;
  }
}

/** Kills whatever postgres still runs on a data directory of ours (after a failed test). */
async function killPostmasterOf(pgDir: string): Promise<void> {
  const pm = postmaster(pgDir);
  if (!pm || !isPostmasterOf(pm.pid, pgDir)) return;
  process.kill(pm.pid, "SIGINT");
  for (let i = 0; i < 100 && isAlive(pm.pid); i++) await sleep(100);
  if (isAlive(pm.pid)) process.kill(pm.pid, "SIGKILL");
}

// ---------------------------------------------------------------------------
// The server

interface Server {
  proc: Proc;
  url: string;
  /** From spawn to "listening". */
  startMs: number;
}

async function startServer(dataDir: string, env: Record<string, string | undefined> = {}, waitMs = 60_000): Promise<Server> {
  const port = await freePort();
  const spawnedAt = Date.now();
  const proc = run([MAIN], baseEnv({ PORT: String(port), MERIDIAN_DATA_DIR: dataDir, ...env }));
  await proc.waitForOutput(new RegExp(`Meridian: http://localhost:${port}/graphql`), waitMs);
  return { proc, url: `http://127.0.0.1:${port}`, startMs: Date.now() - spawnedAt };
}

/** SIGTERM, and expect a clean exit. */
async function stopServer(server: Server, ms = 30_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  server.proc.child.kill("SIGTERM");
  return server.proc.waitForExit(ms);
}

interface GraphQLResult {
  status: number;
  data?: Record<string, any>;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
  ms: number;
}

async function gql(server: Server | string, query: string, variables: Record<string, unknown> = {}, token?: string, ms = 20_000): Promise<GraphQLResult> {
  const url = typeof server === "string" ? server : server.url;
  const started = Date.now();
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(ms),
  });
  const text = await response.text();
  let body: Record<string, any>;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${response.status}): ${text.slice(0, 500)}`);
  }
  return { status: response.status, data: body.data ?? undefined, errors: body.errors, ms: Date.now() - started };
}

function ok(result: GraphQLResult): Record<string, any> {
  if (result.errors?.length || !result.data) throw new Error(`GraphQL errors (${result.status}): ${JSON.stringify(result.errors)}`);
  return result.data;
}

async function httpStatus(server: Server, route: string): Promise<number> {
  const response = await fetch(`${server.url}${route}`, { signal: AbortSignal.timeout(15_000) });
  await response.text();
  return response.status;
}

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken user { role } } }`;
const CASES = `query { cases(first: 50) { totalCount edges { node { id reference status assignments { id } patient { id email } } } } }`;

async function login(server: Server, email: string, password: string): Promise<string> {
  return ok(await gql(server, LOGIN, { email, password })).login.accessToken;
}

interface CaseRow {
  id: string;
  reference: string;
  status: string;
  assignments: Array<{ id: string }>;
  patient: { id: string; email: string } | null;
}

async function listCases(server: Server, token: string): Promise<{ totalCount: number; cases: CaseRow[] }> {
  const { cases } = ok(await gql(server, CASES, {}, token));
  return { totalCount: cases.totalCount, cases: cases.edges.map((e: { node: CaseRow }) => e.node) };
}

/** The generated demo password, as the first start prints it. */
function printedPassword(server: Server): string {
  const match = server.proc.out().match(/password: (\S+)\s+\(kept in the data directory/);
  if (!match) throw new Error(`no demo password printed:\n${server.proc.out()}`);
  return match[1];
}

/** Row counts straight from an embedded cluster's database (not through the server). */
async function countRows(port: number, database: string, sql: string, params: unknown[] = []): Promise<number> {
  const client = new Client({ connectionString: `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${database}`, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const { rows } = await client.query(sql, params);
    return Number(rows[0].count);
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// A PostgreSQL of the test's own, in a child process (embedded-postgres is ESM only,
// which jest's CommonJS runtime cannot import): stopped with SIGTERM, and stopped
// too when this test process goes away (the IPC channel closes).

const CLUSTER_SCRIPT = `
const { startEmbeddedPostgres } = require(process.env.EP_MODULE);
let cluster;
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  try { if (cluster) await cluster.stop(); } finally { process.exit(0); }
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop);
startEmbeddedPostgres(process.env.EP_DIR, { port: Number(process.env.EP_PORT) })
  .then((c) => { cluster = c; process.stdout.write("READY " + c.url() + "\\n"); })
  .catch((e) => { process.stderr.write(String((e && e.stack) || e) + "\\n"); process.exit(1); });
`;

interface Cluster {
  proc: Proc;
  pgDir: string;
  port: number;
  url(database?: string): string;
}

async function startCluster(pgDir: string, port: number): Promise<Cluster> {
  const proc = run(["-e", CLUSTER_SCRIPT], baseEnv({ EP_MODULE: path.join(DIST, "db", "embedded-postgres.js"), EP_DIR: pgDir, EP_PORT: String(port) }), { ipc: true });
  await proc.waitForOutput(/READY (\S+)/, 60_000);
  return { proc, pgDir, port, url: (database = "postgres") => `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/${database}` };
}

async function stopCluster(cluster: Cluster): Promise<void> {
  if (cluster.proc.hasExited()) return;
  cluster.proc.child.kill("SIGTERM");
  const { code } = await cluster.proc.waitForExit(30_000);
  expect(code).toBe(0);
}

async function createDatabase(cluster: Cluster, name: string): Promise<string> {
  const client = new Client({ connectionString: cluster.url(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return cluster.url(name);
}


/** The postmaster of a cluster and every process it started (its backends among them). */
function postgresProcesses(pgDir: string): number[] {
  const pm = postmaster(pgDir);
  if (!pm) return [];
  const children = fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // The parent pid is the 4th field of /proc/<pid>/stat, after the (parenthesised) command.
        return Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]) === pm.pid;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [pm.pid, ...children];
}

/** An oversized WebSocket frame, as an anonymous client sends it: resolves with the close code. */
function oversizedFrame(server: Server): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    ws.on("error", () => undefined);
    ws.once("open", () => ws.send("x".repeat(200 * 1024)));
    ws.once("close", (code) => resolve(code));
  });
}

// ---------------------------------------------------------------------------

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first (npm test does)`);
});

afterAll(async () => {
  for (const proc of [...children]) {
    if (!proc.hasExited()) proc.child.kill("SIGKILL");
    await proc.waitForExit(10_000).catch(() => undefined);
  }
  for (const dir of tempDirs) {
    for (const pgDir of [path.join(dir, "pg"), path.join(dir, "data", "pg")]) await killPostmasterOf(pgDir).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);

describe("the start command on the embedded database", () => {
  const dataDir = tempDir("embedded");
  const pgDir = path.join(dataDir, "pg");
  let password: string;
  let openedCaseId: string;
  let server: Server | undefined;

  test("first start on an empty data dir: demo accounts printed, health, login, demo cases", async () => {
    server = await startServer(dataDir);
    console.log(`first start (initdb, migrations, demo seed) to listening: ${server.startMs} ms`);
    const out = server.proc.out();
    for (const email of DEMO_EMAILS) expect(out).toContain(email);
    password = printedPassword(server);
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect(fs.readFileSync(path.join(dataDir, "demo-password"), "utf8").trim()).toBe(password);
    expect(fs.statSync(path.join(dataDir, "demo-password")).mode & 0o777).toBe(0o600);

    expect(await httpStatus(server, "/healthz")).toBe(200);
    expect(await httpStatus(server, "/readyz")).toBe(200);

    const coordinator = await login(server, "coordinator@demo.meridian", password);
    const { totalCount, cases } = await listCases(server, coordinator);
    expect(totalCount).toBeGreaterThanOrEqual(1);
    expect(cases.length).toBe(totalCount);
    const patients = cases.filter((c) => c.patient?.email === "patient@demo.meridian");
    expect(patients).toHaveLength(1);
    expect(ACTIVE_NOT_HELD).toContain(patients[0].status);
    expect(patients[0].assignments).toEqual([]);

    // The patient account sees exactly that case.
    const patient = await login(server, "patient@demo.meridian", password);
    const own = await listCases(server, patient);
    expect(own.totalCount).toBe(1);
    expect(own.cases.map((c) => c.id)).toEqual([patients[0].id]);
    expect(ACTIVE_NOT_HELD).toContain(own.cases[0].status);
    expect(own.cases[0].assignments).toEqual([]);

    // A wrong password is refused.
    const wrong = await gql(server, LOGIN, { email: "coordinator@demo.meridian", password: `${password}x` });
    expect(wrong.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  }, 120_000);

  test("SIGTERM stops cleanly, postgres included; a restart finds every row and does not seed twice", async () => {
    if (!server) throw new Error("the first start failed");
    const coordinator = await login(server, "coordinator@demo.meridian", password);
    const before = await listCases(server, coordinator);
    const patientId = before.cases[0].patient!.id;
    openedCaseId = ok(
      await gql(server, `mutation($input: OpenCaseInput!) { openCase(input: $input) { id status } }`, { input: { patientId, reason: "Opened before the restart" } }, coordinator),
    ).openCase.id;
    const pm = postmaster(pgDir)!;
    expect(isPostmasterOf(pm.pid, pgDir)).toBe(true);

    const stopping = Date.now();
    const exit = await stopServer(server);
    console.log(`SIGTERM to exit: ${Date.now() - stopping} ms`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.proc.err()).not.toMatch(/error|\n\s+at /i);
    expect(isAlive(pm.pid)).toBe(false);
    expect(fs.existsSync(path.join(pgDir, "postmaster.pid"))).toBe(false);
    server = undefined;

    server = await startServer(dataDir);
    console.log(`warm restart to listening: ${server.startMs} ms`);
    expect(server.proc.out()).not.toContain("(created)");
    expect(printedPassword(server)).toBe(password);
    const token = await login(server, "coordinator@demo.meridian", password);
    const after = await listCases(server, token);
    expect(after.totalCount).toBe(before.totalCount + 1);
    expect(after.cases.map((c) => c.id)).toContain(openedCaseId);
    const port = postmaster(pgDir)!.port;
    expect(await countRows(port, "meridian", `SELECT count(*) FROM app_user WHERE email = ANY($1)`, [DEMO_EMAILS])).toBe(DEMO_EMAILS.length);
    expect(await countRows(port, "meridian", `SELECT count(*) FROM app_user WHERE email = 'admin@demo.meridian'`)).toBe(1);
    expect(await countRows(port, "meridian", `SELECT count(*) FROM schema_migration`)).toBe(MIGRATION_COUNT);
  }, 120_000);

  test("SIGKILL of the node process leaves postgres orphaned: the next start takes over and serves the data", async () => {
    if (!server) throw new Error("the restart failed");
    const orphan = postmaster(pgDir)!;
    server.proc.child.kill("SIGKILL");
    expect(await server.proc.waitForExit(10_000)).toEqual({ code: null, signal: "SIGKILL" });
    server = undefined;
    // postgres outlives its parent: the data directory is still locked by a live postmaster.
    expect(isPostmasterOf(orphan.pid, pgDir)).toBe(true);

    server = await startServer(dataDir);
    console.log(`start over an orphaned postgres to listening: ${server.startMs} ms`);
    expect(isAlive(orphan.pid)).toBe(false);
    const token = await login(server, "coordinator@demo.meridian", password);
    expect((await listCases(server, token)).cases.map((c) => c.id)).toContain(openedCaseId);
    expect(await httpStatus(server, "/readyz")).toBe(200);
  }, 120_000);

  test("a second server on a data dir in use refuses to start and leaves the first one running", async () => {
    if (!server) throw new Error("the previous start failed");
    const second = run([MAIN], baseEnv({ MERIDIAN_DATA_DIR: dataDir, PORT: String(await freePort()) }));
    expect((await second.waitForExit(30_000)).code).toBe(1);
    expect(second.err()).toMatch(/in use by another running process/);
    expect(second.err()).not.toMatch(/\bat \w+ \(/);
    const token = await login(server, "coordinator@demo.meridian", password);
    expect((await listCases(server, token)).cases.map((c) => c.id)).toContain(openedCaseId);
  }, 60_000);

  test("a stale postmaster.pid (its pid dead, or reused by an unrelated process) does not stop the next start", async () => {
    if (!server) throw new Error("the previous start failed");
    const lock = postmaster(pgDir)!;
    expect((await stopServer(server)).code).toBe(0);
    server = undefined;
    expect(isAlive(lock.pid)).toBe(false);

    const writeLock = (pid: number) => {
      const file = path.join(pgDir, "postmaster.pid");
      fs.writeFileSync(file, lock.content.replace(/^\d+/, String(pid)), { mode: 0o600 });
      // As postgres left it (initdb runs as the postgres user when we are root).
      const owner = fs.statSync(path.join(pgDir, "PG_VERSION"));
      fs.chownSync(file, owner.uid, owner.gid);
    };

    // A crash before a reboot: the pid in the file is dead.
    const gone = run(["-e", ""], baseEnv({}));
    await gone.waitForExit(10_000);
    expect(isAlive(gone.pid)).toBe(false);
    writeLock(gone.pid);
    server = await startServer(dataDir);
    let token = await login(server, "coordinator@demo.meridian", password);
    expect((await listCases(server, token)).cases.map((c) => c.id)).toContain(openedCaseId);
    expect((await stopServer(server)).code).toBe(0);
    server = undefined;

    // After a reboot the old pid may belong to someone else now: that process must be left alone.
    const bystander = run(["-e", "setTimeout(() => {}, 60000)"], baseEnv({}));
    writeLock(bystander.pid);
    server = await startServer(dataDir);
    expect(bystander.hasExited()).toBe(false);
    expect(isAlive(bystander.pid)).toBe(true);
    token = await login(server, "coordinator@demo.meridian", password);
    expect((await listCases(server, token)).cases.map((c) => c.id)).toContain(openedCaseId);
    bystander.child.kill("SIGKILL");

    const pm = postmaster(pgDir)!;
    expect((await stopServer(server)).code).toBe(0);
    server = undefined;
    expect(isAlive(pm.pid)).toBe(false);
  }, 120_000);
});

test("production without its secrets and database exits 1 at once, naming what is missing, without a stack trace", async () => {
  const dataDir = tempDir("production");
  const started = Date.now();
  const proc = run([MAIN], baseEnv({ NODE_ENV: "production", PORT: String(await freePort()), MERIDIAN_DATA_DIR: dataDir }));
  // At once: before any database is started (a bound against a hang, not a timing check).
  const exit = await proc.waitForExit(60_000);
  console.log(`production refusal to exit: ${Date.now() - started} ms`);
  expect(exit).toEqual({ code: 1, signal: null });
  for (const name of ["DATABASE_URL", "MERIDIAN_JWT_SECRET", "MERIDIAN_ENCRYPTION_KEY"]) expect(proc.err()).toContain(name);
  expect(proc.err()).not.toMatch(/\n\s+at /);
  expect(proc.out()).not.toContain("Meridian: http");
  // Nothing was started or written for a refused start.
  expect(fs.existsSync(path.join(dataDir, "pg"))).toBe(false);

  // One missing variable is named alone.
  const partial = run(
    [MAIN],
    baseEnv({ NODE_ENV: "production", PORT: String(await freePort()), MERIDIAN_DATA_DIR: dataDir, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none", MERIDIAN_JWT_SECRET: "x".repeat(48) }),
  );
  expect(await partial.waitForExit(15_000)).toEqual({ code: 1, signal: null });
  expect(partial.err()).toContain("MERIDIAN_ENCRYPTION_KEY");
  expect(partial.err()).not.toContain("MERIDIAN_JWT_SECRET");
  expect(partial.err()).not.toMatch(/\n\s+at /);
}, 60_000);

describe("against an external PostgreSQL (DATABASE_URL)", () => {
  const root = tempDir("external");
  const pgDir = path.join(root, "pg");
  let cluster: Cluster | undefined;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    cluster = await startCluster(pgDir, port);
  }, 90_000);

  afterAll(async () => {
    if (cluster) await stopCluster(cluster).catch(() => undefined);
  }, 40_000);

  test("migrate applies the migration; seed:demo is idempotent", async () => {
    const url = await createDatabase(cluster!, "cli_target");
    const productionEnv = { NODE_ENV: "production", DATABASE_URL: url, MERIDIAN_JWT_SECRET: "s".repeat(48), MERIDIAN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"), MERIDIAN_DATA_DIR: path.join(root, "cli-data") };
    const migrate = run([path.join(DIST, "db", "migrate.cli.js")], baseEnv(productionEnv));
    expect(await migrate.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(migrate.out()).toMatch(/applied: Init\d+/);
    const again = run([path.join(DIST, "db", "migrate.cli.js")], baseEnv(productionEnv));
    expect(await again.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(again.out()).toContain("no pending migrations");
    expect(await countRows(port, "cli_target", `SELECT count(*) FROM schema_migration`)).toBe(MIGRATION_COUNT);
    // The embedded cluster was not started: DATABASE_URL was used.
    expect(fs.existsSync(path.join(root, "cli-data", "pg"))).toBe(false);

    const seedEnv = { DATABASE_URL: url, MERIDIAN_DATA_DIR: path.join(root, "cli-data"), MERIDIAN_DEMO_PASSWORD: "seed-demo-password" };
    const counts = async () => ({
      admins: await countRows(port, "cli_target", `SELECT count(*) FROM app_user WHERE email = 'admin@demo.meridian'`),
      demoUsers: await countRows(port, "cli_target", `SELECT count(*) FROM app_user WHERE email = ANY($1)`, [DEMO_EMAILS]),
      users: await countRows(port, "cli_target", `SELECT count(*) FROM app_user`),
      cases: await countRows(port, "cli_target", `SELECT count(*) FROM medical_case`),
      events: await countRows(port, "cli_target", `SELECT count(*) FROM case_event`),
    });
    const first = run([path.join(DIST, "db", "seed-demo.cli.js")], baseEnv(seedEnv));
    expect(await first.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(first.out()).toContain("(created)");
    const seeded = await counts();
    expect(seeded.admins).toBe(1);
    expect(seeded.demoUsers).toBe(DEMO_EMAILS.length);
    expect(seeded.cases).toBeGreaterThanOrEqual(1);

    const second = run([path.join(DIST, "db", "seed-demo.cli.js")], baseEnv(seedEnv));
    expect(await second.waitForExit(60_000)).toEqual({ code: 0, signal: null });
    expect(second.out()).not.toContain("(created)");
    expect(await counts()).toEqual(seeded);
  }, 150_000);

  test("PostgreSQL frozen (every process stopped): requests fail with SERVICE_UNAVAILABLE within the statement timeout, and nothing reaches stderr", async () => {
    const url = await createDatabase(cluster!, "frozen_target");
    // Not NODE_ENV=test: express prints errors to stderr everywhere else.
    const server = await startServer(path.join(root, "frozen-data"), {
      NODE_ENV: "development",
      DATABASE_URL: url,
      MERIDIAN_DEMO_PASSWORD: "correct horse battery staple",
      MERIDIAN_DB_CONNECT_TIMEOUT_MS: "1000",
      MERIDIAN_DB_STATEMENT_TIMEOUT_MS: "1500",
    });
    const frozen: number[] = [];
    try {
      const token = await login(server, "coordinator@demo.meridian", "correct horse battery staple");
      expect((await listCases(server, token)).totalCount).toBeGreaterThanOrEqual(1);

      // What used to print stack traces outside the log: oversized frames, a malformed path, a bad body.
      for (let i = 0; i < 20; i++) expect(await oversizedFrame(server)).toBe(1009);
      expect(await httpStatus(server, "/documents/download/%E0%A4%A")).toBe(400);
      const badJson = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
      expect(badJson.status).toBe(400);

      frozen.push(...postgresProcesses(cluster!.pgDir));
      expect(frozen.length).toBeGreaterThan(1);
      for (const pid of frozen) process.kill(pid, "SIGSTOP");
      for (const attempt of [
        () => gql(server, `query { viewer { id } }`, {}, token, 10_000),
        () => gql(server, CASES, {}, token, 10_000),
        () => gql(server, LOGIN, { email: "coordinator@demo.meridian", password: "correct horse battery staple" }, undefined, 10_000),
      ]) {
        const result = await attempt();
        console.log(`database frozen: HTTP ${result.status}, ${result.errors?.map((e) => e.extensions?.code).join(",")} in ${result.ms} ms`);
        expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
      }
      for (const pid of frozen.splice(0)) process.kill(pid, "SIGCONT");

      const back = await waitUntil("requests to succeed again", 30_000, async () => {
        const result = await gql(server, CASES, {}, token);
        return result.errors ? undefined : result;
      });
      expect(back.data!.cases.totalCount).toBeGreaterThanOrEqual(1);
      expect(server.proc.out()).toMatch(/"msg":"service unavailable"/);
      expect(server.proc.out()).toMatch(/"msg":"websocket closed on a protocol error"/);
      expect(server.proc.err()).toBe("");
    } finally {
      for (const pid of frozen) process.kill(pid, "SIGCONT");
      if (!server.proc.hasExited()) expect(await stopServer(server)).toEqual({ code: 0, signal: null });
    }
  }, 120_000);

  test("the database goes away: SERVICE_UNAVAILABLE quickly, /readyz 503, /healthz 200; it comes back: requests succeed and live updates resume", async () => {
    const url = await createDatabase(cluster!, "server_target");
    const server = await startServer(path.join(root, "server-data"), {
      DATABASE_URL: url,
      MERIDIAN_DEMO_PASSWORD: "correct horse battery staple",
      MERIDIAN_DB_CONNECT_TIMEOUT_MS: "1000",
    });
    try {
      // MERIDIAN_DEMO_PASSWORD is used, and not printed.
      expect(server.proc.out()).toContain("(created)");
      expect(server.proc.out()).toContain("password: the value of MERIDIAN_DEMO_PASSWORD");
      expect(server.proc.out()).not.toContain("correct horse battery staple");
      expect(fs.existsSync(path.join(root, "server-data", "pg"))).toBe(false);
      const token = await login(server, "coordinator@demo.meridian", "correct horse battery staple");
      const before = await listCases(server, token);
      expect(before.totalCount).toBeGreaterThanOrEqual(1);
      // A live subscriber that must get what happens after PostgreSQL comes back.
      const caseId = before.cases[0].id;
      const live = connect(server.url, token, { retryAttempts: 10 });
      const activity = live.subscribe(`subscription($c: ID!) { caseActivity(caseId: $c) { id type note } }`, { c: caseId });
      await sleep(300);

      await stopCluster(cluster!);

      expect(await httpStatus(server, "/healthz")).toBe(200);
      expect(await httpStatus(server, "/readyz")).toBe(503);
      // Authenticated (the context loads the viewer), a plain read, and a login (a mutation with no token).
      for (const attempt of [
        () => gql(server, CASES, {}, token),
        () => gql(server, `query { viewer { id } }`, {}, token),
        () => gql(server, LOGIN, { email: "coordinator@demo.meridian", password: "correct horse battery staple" }),
      ]) {
        const result = await attempt();
        console.log(`database down: HTTP ${result.status}, ${result.errors?.map((e) => e.extensions?.code).join(",")} in ${result.ms} ms`);
        expect({ status: result.status, codes: result.errors?.map((e) => e.extensions?.code) }).toEqual({ status: expect.any(Number), codes: ["SERVICE_UNAVAILABLE"] });
        expect(result.errors?.[0].message).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|postgres/i);
      }
      expect(server.proc.hasExited()).toBe(false);

      cluster = await startCluster(pgDir, port);
      const back = await waitUntil("requests to succeed again", 30_000, async () => {
        const result = await gql(server, CASES, {}, token);
        return result.errors ? undefined : result;
      });
      expect(back.data!.cases.totalCount).toBe(before.totalCount);
      expect(await httpStatus(server, "/readyz")).toBe(200);
      // The LISTEN connection reconnected (with backoff) and events flow again.
      const { version } = ok(await gql(server, `query($id: ID!) { case(id: $id) { version } }`, { id: caseId }, token)).case;
      ok(await gql(server, `mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: ON_HOLD, expectedVersion: $v, note: "after the restart") { status } }`, { id: caseId, v: version }, token));
      await activity.waitFor(1, 30_000);
      expect(activity.results.map((r) => r.data?.caseActivity.note)).toContain("after the restart");
      await live.dispose();
      expect(await login(server, "coordinator@demo.meridian", "correct horse battery staple")).toEqual(expect.any(String));
      expect(server.proc.hasExited()).toBe(false);
    } finally {
      if (!server.proc.hasExited()) {
        const exit = await stopServer(server);
        expect(exit).toEqual({ code: 0, signal: null });
      }
    }
  }, 150_000);
});
