import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { EMBEDDED_DATABASE, ensureDatabase } from "./database.js";
import { startEmbeddedPostgres, type EmbeddedCluster } from "./embedded-postgres.js";
import { restore, RestoreRefusedError } from "./restore.js";

/**
 * `npm run restore -- FILE`: restores a backup into an empty data directory
 * (MERIDIAN_DATA_DIR, embedded) or an empty database (DATABASE_URL); refuses anything else.
 */
async function main() {
  const { positionals } = parseArgs({ allowPositionals: true });
  const file = positionals[0];
  if (!file) throw new Error("usage: npm run restore -- FILE");
  if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
  const config = loadConfig();
  let cluster: EmbeddedCluster | null = null;
  let url = config.databaseUrl;
  if (!url) {
    if (fs.existsSync(config.dataDir) && fs.readdirSync(config.dataDir).length > 0) {
      throw new RestoreRefusedError(`the data directory ${config.dataDir} is not empty: restore into a new MERIDIAN_DATA_DIR`);
    }
    cluster = await startEmbeddedPostgres(path.join(config.dataDir, "pg"));
    await ensureDatabase(cluster.url(), EMBEDDED_DATABASE);
    url = cluster.url(EMBEDDED_DATABASE);
  }
  try {
    const started = Date.now();
    const result = await restore({ url, documentsDir: path.join(config.dataDir, "documents"), file, passphrase: process.env.MERIDIAN_BACKUP_PASSPHRASE || undefined });
    process.stdout.write(`restored ${result.rows} rows and ${result.documents} documents taken ${result.manifest.takenAt}, checksums verified, in ${Date.now() - started} ms\n`);
  } finally {
    await cluster?.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`restore failed: ${(error as Error).message}\n`);
  process.exit(1);
});
