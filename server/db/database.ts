import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import type { Config } from "../config.js";
import { createDataSource } from "./data-source.js";
import { startEmbeddedPostgres, type EmbeddedCluster } from "./embedded-postgres.js";

export interface Database {
  dataSource: DataSource;
  /** The embedded cluster, when we started one. */
  cluster: EmbeddedCluster | null;
  close(): Promise<void>;
}

/** The database the embedded cluster holds Meridian's data in. */
export const EMBEDDED_DATABASE = "meridian";

export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/** DATABASE_URL when given; otherwise an embedded PostgreSQL under the data directory. */
export async function openDatabase(config: Config, onLog?: (message: unknown) => void): Promise<Database> {
  let cluster: EmbeddedCluster | null = null;
  let url = config.databaseUrl;
  if (!url) {
    fs.mkdirSync(config.dataDir, { recursive: true });
    cluster = await startEmbeddedPostgres(path.join(config.dataDir, "pg"), { onLog });
    await ensureDatabase(cluster.url(), EMBEDDED_DATABASE);
    url = cluster.url(EMBEDDED_DATABASE);
  }
  const dataSource = createDataSource({ url, connectTimeoutMs: config.dbConnectTimeoutMs, statementTimeoutMs: config.dbStatementTimeoutMs });
  try {
    await dataSource.initialize();
  } catch (error) {
    await cluster?.stop();
    throw error;
  }
  return {
    dataSource,
    cluster,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await cluster?.stop();
    },
  };
}

export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: "each" });
  return applied.map((m) => m.name);
}
