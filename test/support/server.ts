import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { DataSource } from "typeorm";
import { createApp, type App } from "../../server/app";
import { COMPACT_CASE_COUNTS } from "../../server/cases/case-counts";
import { loadConfig, type Config } from "../../server/config";
import { createDataSource } from "../../server/db/data-source";
import { createLogger, type Logger } from "../../server/logger";
import { createRuntime, type Runtime } from "../../server/runtime";
import { createTestDatabase } from "./database";

/** The folding of the case counts, every minute whatever a test is measuring (server/cases/case-counts.ts). */
export const isCountFolding = (sql: string) => sql === COMPACT_CASE_COUNTS;

/**
 * What the server's background work sends through the same pool, whatever request a test is
 * measuring: the outbox reader's reads of case_event (every second, and on every NOTIFY) and
 * the folding of the case counts. Statement counts leave these out.
 */
export const isBackgroundStatement = (sql: string) => /\bcase_event\b/.test(sql) || isCountFolding(sql);

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }>;
  headers: Headers;
  raw: string;
}

export interface TestServer {
  url: string;
  app: App;
  runtime: Runtime;
  db: DataSource;
  config: Config;
  /** Every SQL statement the server sent, in order (clear it between measurements). */
  statements: string[];
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /**
   * Receives every line the server's logger writes (pino's JSON, redaction applied) instead
   * of stdout, from the first line on. The level is `overrides.logLevel` when given, else
   * LOG_LEVEL, else silent.
   */
  onLog?: (line: string) => void;
  /** Listen on this port (a server taking over a stopped one's address); a free one by default. */
  port?: number;
}

/** Points a logger made by createLogger (and its children) at `onLog`, keeping its options. */
function redirectLogger(logger: Logger, onLog: (line: string) => void): void {
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (line: string) => onLog(line) };
}

/**
 * Suites that drive one user hard (fuzzing, concurrency) stay clear of the per-user quotas;
 * the tests of the quotas themselves set them back (the production defaults are in config.ts).
 */
export const TEST_QUOTAS: Partial<Config> = { requestsPerMinute: 1_000_000, commentsPerMinute: 1_000_000, recordsPerDay: 1_000_000 };

/** The real server (HTTP, GraphQL, documents) on its own database, on a free port. */
export async function startTestServer(overrides: Partial<Config> = {}, harness: HarnessOptions = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-data-"));
  const server = await startServerOn(database.url, dataDir, overrides, harness);
  const close = server.close;
  server.close = async () => {
    await close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return server;
}

/** A server on an existing database (a second process's worth: its own pool, listener and sockets). */
export async function startServerOn(databaseUrl: string, dataDir: string, overrides: Partial<Config> = {}, harness: HarnessOptions = {}): Promise<TestServer> {
  const config = { ...loadConfig({ NODE_ENV: "test", MERIDIAN_DATA_DIR: dataDir }), databaseUrl, ...TEST_QUOTAS, ...overrides };
  const statements: string[] = [];
  const db = createDataSource({ url: databaseUrl, onQuery: (sql) => statements.push(sql) });
  await db.initialize();
  const logger = createLogger(overrides.logLevel ?? process.env.LOG_LEVEL ?? "silent");
  if (harness.onLog) redirectLogger(logger, harness.onLog);
  const runtime = await createRuntime(config, db, logger);
  const app = await createApp(runtime);
  const port = await app.listen(harness.port ?? 0);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    app,
    runtime,
    db,
    config,
    statements,
    async gql(query, variables, token) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const raw = await response.text();
      const body = JSON.parse(raw);
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers, raw };
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}

/** The data of a response that must have succeeded (fails the test with the errors otherwise). */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length || !response.data) {
    throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  }
  return response.data;
}

/** The single error of a response that must have failed. */
export function failure(response: GraphQLResponse): { message: string; code: string; extensions: Record<string, any> } {
  if (!response.errors?.length) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  const [error] = response.errors;
  return { message: error.message, code: error.extensions?.code, extensions: error.extensions ?? {} };
}
