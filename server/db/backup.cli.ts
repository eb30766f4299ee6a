import "reflect-metadata";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { backup } from "./backup.js";
import { EMBEDDED_DATABASE, ensureDatabase } from "./database.js";
import { runningClusterUrl, startEmbeddedPostgres, type EmbeddedCluster } from "./embedded-postgres.js";

/**
 * `npm run backup -- --out FILE`: a consistent online backup of the database and its
 * documents. Finds the database as the server does: DATABASE_URL, or the embedded one
 * under MERIDIAN_DATA_DIR (the running server's cluster, or started for the backup).
 */
async function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  if (!values.out) throw new Error("usage: npm run backup -- --out FILE");
  const config = loadConfig();
  let cluster: EmbeddedCluster | null = null;
  let url = config.databaseUrl ?? runningClusterUrl(path.join(config.dataDir, "pg"), EMBEDDED_DATABASE);
  if (!url) {
    cluster = await startEmbeddedPostgres(path.join(config.dataDir, "pg"));
    await ensureDatabase(cluster.url(), EMBEDDED_DATABASE);
    url = cluster.url(EMBEDDED_DATABASE);
  }
  try {
    const started = Date.now();
    const result = await backup({ url, documentsDir: path.join(config.dataDir, "documents"), out: path.resolve(values.out), passphrase: process.env.MERIDIAN_BACKUP_PASSPHRASE || undefined });
    const rows = result.manifest.tables.reduce((sum, table) => sum + table.rows, 0);
    process.stdout.write(
      `backup written to ${values.out}: ${rows} rows in ${result.manifest.tables.length} tables, ${result.documents.length} documents, ${result.bytes} bytes` +
        `${result.manifest.keyMaterial ? ", encrypted" : ""}, at migration ${result.manifest.migration.name}, in ${Date.now() - started} ms\n`,
    );
  } finally {
    await cluster?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`backup failed: ${(error as Error).message}\n`);
  process.exit(1);
});
