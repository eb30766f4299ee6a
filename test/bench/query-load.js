// What the query benchmark and the soak share: contender processes, the HTTP client, the
// closed loop, and the CPU time of the PostgreSQL cluster.
const { fork } = require("node:child_process");
const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { dist } = require("./bench-database.js");
const { signAccessToken } = require(path.join(dist, "auth", "tokens.js"));

const CONCURRENCY = 32;
const POOL_SIZE = 10;
/** Every contender runs with these, and nothing else (--expose-gc only lets the soak sample after a collection). */
const FLAGS = ["--max-semi-space-size=64", "--expose-gc"];

/** One contender in its own process (query-server.js); `stats()` reads its counters. */
function startContender(kind, database) {
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`] : [];
  const child = fork(path.join(__dirname, "query-server.js"), [kind, database.url, database.root, String(POOL_SIZE)], { execArgv: [...FLAGS, ...profile], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const ask = (message, key) => new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (key in reply) {
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(reply[key]);
      }
    };
    const onExit = (code) => reject(new Error(`contender ${kind} exited (${code})`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    if (message) child.send(message);
  });
  process.on("exit", () => child.kill());
  return {
    kind,
    child,
    ready: ask(null, "port"),
    stats: (gc = false) => ask({ cmd: "stats", gc }, "stats"),
    /** Starts recording the statements it sends (on) or stops and answers them. */
    capture: (on) => ask({ cmd: "capture", on }, "captured"),
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", resolve);
      child.kill("SIGTERM");
    }),
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });

/**
 * POST /graphql; rejects on any status but 200 and on a GraphQL error in the answer. A
 * kept-alive socket the server closed just as it was reused is retried once on a new one
 * (node's documented keep-alive race), never a request the server received.
 */
function post(port, body, token, retried = false) {
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", agent, headers }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => {
        const answer = Buffer.concat(chunks);
        if (res.statusCode !== 200 || answer.includes('"errors"')) reject(new Error(`HTTP ${res.statusCode}: ${answer.toString().slice(0, 500)}`));
        else resolve(answer);
      });
    });
    const sent = Date.now();
    req.on("error", (error) => {
      if (req.reusedSocket && error.code === "ECONNRESET" && !retried) return post(port, body, token, true).then(resolve, reject);
      error.message = `${error.message} after ${Date.now() - sent} ms${req.reusedSocket ? " on a kept-alive socket" : ""}${retried ? ", retried" : ""}`;
      return reject(error);
    });
    req.end(body);
  });
}

/** Closed loop: CONCURRENCY clients, each sending its next request when the last one answered. */
async function closedLoop(send, ms) {
  const latencies = [];
  const until = Date.now() + ms;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < until) {
      const t0 = process.hrtime.bigint();
      await send();
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { requests: latencies.length, seconds, rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99) };
}

/**
 * CPU seconds of the cluster's postmaster and its children (backends, walwriter, ...) from
 * /proc, per process: `since(before)` counts what each process used after `before` was
 * taken (a process started since counts whole; one that exited since is lost, which is why
 * the contenders' pools keep their connections).
 */
function postgresCpu(database) {
  const postmaster = Number(fs.readFileSync(path.join(database.root, "pg", "postmaster.pid"), "utf8").split("\n")[0]);
  const ticks = 100; // USER_HZ on Linux
  const perProcess = new Map();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
    if (Number(entry) === postmaster || ppid === postmaster) perProcess.set(entry, (utime + stime) / ticks);
  }
  return {
    perProcess,
    since: (before) => [...perProcess].reduce((sum, [pid, seconds]) => sum + seconds - (before.perProcess.get(pid) ?? 0), 0),
  };
}

/** A signed-in session for one bench user, as a login would leave it. */
async function sessionToken(db, runtime, userId, role) {
  await db.query(`INSERT INTO auth_session (user_id, family_id, token_hash, expires_at) VALUES ($1::uuid, $1::uuid, md5($1::uuid::text) || md5($1::uuid::text), now() + interval '1 day')`, [userId]);
  return signAccessToken(runtime.jwtSecret, { userId, role, familyId: userId }, 4 * 3600);
}

module.exports = { CONCURRENCY, FLAGS, POOL_SIZE, agent, closedLoop, post, postgresCpu, sessionToken, startContender };
