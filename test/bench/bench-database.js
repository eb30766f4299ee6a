// A migrated PostgreSQL of its own for one benchmark: started, and removed on close.
require("reflect-metadata");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const dist = path.join(__dirname, "..", "..", "dist", "server");
const { startEmbeddedPostgres } = require(path.join(dist, "db", "embedded-postgres.js"));
const { createDataSource } = require(path.join(dist, "db", "data-source.js"));

/** statementTimeoutMs: for a process that seeds tens of thousands of rows per statement (the server's default is 15 s). */
async function openBenchDatabase({ poolSize, onQuery, statementTimeoutMs } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-bench-"));
  const cluster = await startEmbeddedPostgres(path.join(root, "pg"));
  const admin = createDataSource({ url: cluster.url() });
  await admin.initialize();
  await admin.query("CREATE DATABASE bench");
  await admin.destroy();
  const url = cluster.url("bench");
  const db = createDataSource({ url, poolSize, onQuery, statementTimeoutMs });
  await db.initialize();
  await db.runMigrations();
  return {
    root,
    url,
    db,
    async close() {
      if (db.isInitialized) await db.destroy();
      await cluster.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Runs a benchmark's main, exiting non-zero on failure. */
function run(main) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

module.exports = { dist, openBenchDatabase, run };
