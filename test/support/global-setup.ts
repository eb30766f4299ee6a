import "./resolve-ts";
import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedCluster } from "../../server/db/embedded-postgres";
import { createDataSource } from "../../server/db/data-source";

declare global {
  var __MERIDIAN_CLUSTER__: EmbeddedCluster | undefined;
}

export const TEMPLATE_DATABASE = "meridian_template";

/** One PostgreSQL for the whole run; a migrated template that each test file copies. */
export default async function globalSetup(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-test-"));
  const cluster = await startEmbeddedPostgres(path.join(root, "pg"));
  globalThis.__MERIDIAN_CLUSTER__ = cluster;
  process.env.MERIDIAN_TEST_PG_URL = cluster.url();
  process.env.MERIDIAN_TEST_ROOT = root;
  const admin = createDataSource({ url: cluster.url() });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  await admin.destroy();
  const template = createDataSource({ url: cluster.url(TEMPLATE_DATABASE) });
  await template.initialize();
  await template.runMigrations();
  await template.destroy();
}
