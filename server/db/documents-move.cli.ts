import "reflect-metadata";
import path from "node:path";
import { parseArgs } from "node:util";
import { createKeyRing } from "../auth/field-crypto.js";
import { loadConfig } from "../config.js";
import { moveDocuments } from "../records/document-move.js";
import { createFileBackend } from "../records/document-store.js";
import { createPostgresBackend } from "../records/postgres-document-store.js";
import { createDataSource } from "./data-source.js";
import { EMBEDDED_DATABASE, ensureDatabase } from "./database.js";
import { runningClusterUrl, startEmbeddedPostgres, type EmbeddedCluster } from "./embedded-postgres.js";
import { loadSecrets } from "./secrets.js";

/**
 * `npm run documents:move -- --to postgres` (or `--to fs`): moves every stored document into
 * that store, as stored. Finds the database as the server does: DATABASE_URL, or the embedded
 * one under MERIDIAN_DATA_DIR (the running server's cluster, or started for the move). Safe to
 * run while servers serve, and again after an interruption.
 */
async function main() {
  const { values } = parseArgs({ options: { to: { type: "string" } } });
  if (values.to !== "postgres" && values.to !== "fs") throw new Error("usage: npm run documents:move -- --to postgres|fs");
  const config = loadConfig();
  let cluster: EmbeddedCluster | null = null;
  let url = config.databaseUrl ?? runningClusterUrl(path.join(config.dataDir, "pg"), EMBEDDED_DATABASE);
  if (!url) {
    cluster = await startEmbeddedPostgres(path.join(config.dataDir, "pg"));
    await ensureDatabase(cluster.url(), EMBEDDED_DATABASE);
    url = cluster.url(EMBEDDED_DATABASE);
  }
  const db = createDataSource({ url, poolSize: 2 });
  await db.initialize();
  try {
    const secrets = await loadSecrets(db, config);
    const keyRing = createKeyRing(secrets.encryptionKey, secrets.previousEncryptionKeys);
    const files = createFileBackend(path.join(config.dataDir, "documents"));
    const database = createPostgresBackend(db);
    const [from, to] = values.to === "postgres" ? [files, database] : [database, files];
    const started = Date.now();
    const result = await moveDocuments(db, keyRing, from, to, (done) => {
      if (done % 100 === 0) process.stdout.write(`${done} records checked\n`);
    });
    process.stdout.write(`moved ${result.moved} documents from ${from.name} to ${to.name} (${result.alreadyThere} already there) in ${Date.now() - started} ms\n`);
    if (result.missing.length > 0) process.stdout.write(`in neither store here (another node's disk?), records: ${result.missing.join(", ")}\n`);
    if (result.corrupt.length > 0) process.stdout.write(`failed their integrity check and were left in ${from.name}, records: ${result.corrupt.join(", ")}\n`);
    if (result.missing.length > 0 || result.corrupt.length > 0) process.exitCode = 1;
  } finally {
    await db.destroy();
    await cluster?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`documents:move failed: ${(error as Error).message}\n`);
  process.exit(1);
});
