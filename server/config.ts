import fs from "node:fs";
import path from "node:path";

/** Everything the process reads from its environment, parsed once. */
export interface Config {
  production: boolean;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /** The built web app (client/dist) served at `/`; absent until `npm run build:client`. */
  clientDir: string;
  /** The development mail outbox (MERIDIAN_MAIL_DIR): password resets and invitations as files. */
  mailDir: string;
  demoPassword: string | undefined;
  jwtSecret: string | undefined;
  encryptionKey: string | undefined;
  previousEncryptionKeys: string | undefined;
  allowedOrigins: string[];
  /** The origin users reach (MERIDIAN_PUBLIC_URL); every absolute URL is built on it. Unset: http://localhost:PORT. */
  publicUrl: string | undefined;
  /** Bearer token for GET /metrics in production (unset: /metrics is off there). */
  metricsToken: string | undefined;
  dbConnectTimeoutMs: number;
  loginLimitPerAccount: number;
  loginLimitPerAddress: number;
  logLevel: string;
  /** How often the outbox is re-read without a NOTIFY (0: only on signals). */
  outboxPollMs: number;
  /** An HTTP connection with nothing read or written for this long is closed (a client that stopped reading a download). */
  idleTimeoutMs: number;
  /** Open connections (HTTP and WebSocket) the process accepts at once; beyond, new ones are dropped. */
  maxConnections: number;
  /** Open connections from one client address; beyond, new ones are answered 429 and closed. */
  connectionsPerAddress: number;
  /** Time from a connection's (or keep-alive request's) start until its request headers are in. */
  headersTimeoutMs: number;
  /** Time a request body (GraphQL and everything but uploads) has to arrive in full. */
  bodyTimeoutMs: number;
  /** Uploads are cut when fewer than uploadMinBytes arrive in a window of uploadRateWindowMs (a slow line still finishes). */
  uploadMinBytes: number;
  uploadRateWindowMs: number;
  /** A kept-alive connection waiting for its next request is closed after this long. */
  keepAliveTimeoutMs: number;
  /** Open WebSockets per signed-in user and per client address. */
  webSocketsPerUser: number;
  webSocketsPerAddress: number;
  /** A WebSocket that has not sent connection_init by then is closed with 4408. */
  webSocketInitTimeoutMs: number;
  /** Every open WebSocket is pinged this often; one that has not answered by the next ping is terminated. */
  webSocketPingMs: number;
  /** PostgreSQL cancels a statement after this long; the driver gives up shortly after if the server does not answer at all. */
  dbStatementTimeoutMs: number;
  /** Cases closed or withdrawn longer than this many days ago are erased (MERIDIAN_RETENTION_DAYS). */
  retentionDays: number;
  /** Live subscriptions one WebSocket, and one user over all their sockets, may hold. */
  subscriptionsPerSocket: number;
  subscriptionsPerUser: number;
  /** GraphQL requests per signed-in user per minute, shared by every process. */
  requestsPerMinute: number;
  /** Comments per user per minute. */
  commentsPerMinute: number;
  /** Medical records (each takes one upload) per user per day. */
  recordsPerDay: number;
  /** Stored document bytes per case. */
  caseDocumentBytes: number;
  /** Where documents are stored (MERIDIAN_DOCUMENT_STORE): encrypted files under the data directory, or chunks in PostgreSQL. */
  documentStore: "fs" | "postgres";
}

export class ConfigError extends Error {}

/** An http(s) origin, without path, query or trailing slash: links are built on it, never on a request's Host. */
function publicUrlFrom(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("MERIDIAN_PUBLIC_URL must be an absolute URL such as https://meridian.example");
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new ConfigError("MERIDIAN_PUBLIC_URL must be an http(s) origin and optional path, without query, fragment or credentials");
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function documentStoreFrom(raw: string | undefined): Config["documentStore"] {
  if (raw === undefined || raw === "") return "fs";
  if (raw === "fs" || raw === "postgres") return raw;
  throw new ConfigError("MERIDIAN_DOCUMENT_STORE must be fs or postgres");
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer`);
  return value;
}

/** The process's soft limit on open files (Linux), or undefined where it cannot be read. */
function openFileLimit(): number | undefined {
  try {
    const line = fs.readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s{2,}/)[1]);
    return Number.isInteger(soft) && soft > 0 ? soft : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each connection may hold a document file besides its socket; the rest (the pool, the
 * LISTEN connection, logs, PostgreSQL's own files when embedded) fits in 256.
 */
export function defaultMaxConnections(fileLimit = openFileLimit()): number {
  return fileLimit === undefined ? 4096 : Math.max(64, Math.floor((fileLimit - 256) / 2));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const production = env.NODE_ENV === "production";
  const [perAccount, perAddress] = (env.MERIDIAN_LOGIN_LIMIT ?? "10/100").split("/").map(Number);
  if (!Number.isInteger(perAccount) || !Number.isInteger(perAddress) || perAccount < 1 || perAddress < 1) {
    throw new ConfigError("MERIDIAN_LOGIN_LIMIT must look like 10/100 (per account / per address)");
  }
  const config: Config = {
    production,
    port: intFrom(env, "PORT", 4000),
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.MERIDIAN_DATA_DIR || "./data"),
    clientDir: path.resolve(env.MERIDIAN_CLIENT_DIR || "./client/dist"),
    mailDir: path.resolve(env.MERIDIAN_MAIL_DIR || path.join(env.MERIDIAN_DATA_DIR || "./data", "mail")),
    demoPassword: env.MERIDIAN_DEMO_PASSWORD || undefined,
    jwtSecret: env.MERIDIAN_JWT_SECRET || undefined,
    encryptionKey: env.MERIDIAN_ENCRYPTION_KEY || undefined,
    previousEncryptionKeys: env.MERIDIAN_PREVIOUS_ENCRYPTION_KEYS || undefined,
    allowedOrigins: (env.MERIDIAN_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    publicUrl: publicUrlFrom(env.MERIDIAN_PUBLIC_URL),
    metricsToken: env.MERIDIAN_METRICS_TOKEN || undefined,
    dbConnectTimeoutMs: intFrom(env, "MERIDIAN_DB_CONNECT_TIMEOUT_MS", 5000),
    loginLimitPerAccount: perAccount,
    loginLimitPerAddress: perAddress,
    outboxPollMs: intFrom(env, "MERIDIAN_OUTBOX_POLL_MS", 1000),
    idleTimeoutMs: intFrom(env, "MERIDIAN_IDLE_TIMEOUT_MS", 60_000),
    maxConnections: intFrom(env, "MERIDIAN_MAX_CONNECTIONS", defaultMaxConnections()),
    connectionsPerAddress: intFrom(env, "MERIDIAN_CONNECTIONS_PER_ADDRESS", 256),
    headersTimeoutMs: intFrom(env, "MERIDIAN_HEADERS_TIMEOUT_MS", 10_000),
    bodyTimeoutMs: intFrom(env, "MERIDIAN_BODY_TIMEOUT_MS", 30_000),
    uploadMinBytes: intFrom(env, "MERIDIAN_UPLOAD_MIN_BYTES", 16 * 1024),
    uploadRateWindowMs: intFrom(env, "MERIDIAN_UPLOAD_RATE_WINDOW_MS", 20_000),
    keepAliveTimeoutMs: intFrom(env, "MERIDIAN_KEEP_ALIVE_TIMEOUT_MS", 5_000),
    webSocketsPerUser: intFrom(env, "MERIDIAN_WS_PER_USER", 16),
    webSocketsPerAddress: intFrom(env, "MERIDIAN_WS_PER_ADDRESS", 128),
    webSocketInitTimeoutMs: intFrom(env, "MERIDIAN_WS_INIT_TIMEOUT_MS", 5_000),
    webSocketPingMs: intFrom(env, "MERIDIAN_WS_PING_MS", 15_000),
    dbStatementTimeoutMs: intFrom(env, "MERIDIAN_DB_STATEMENT_TIMEOUT_MS", 15_000),
    retentionDays: intFrom(env, "MERIDIAN_RETENTION_DAYS", 3650),
    subscriptionsPerSocket: intFrom(env, "MERIDIAN_SUBSCRIPTIONS_PER_SOCKET", 20),
    subscriptionsPerUser: intFrom(env, "MERIDIAN_SUBSCRIPTIONS_PER_USER", 60),
    requestsPerMinute: intFrom(env, "MERIDIAN_REQUESTS_PER_MINUTE", 600),
    commentsPerMinute: intFrom(env, "MERIDIAN_COMMENTS_PER_MINUTE", 20),
    recordsPerDay: intFrom(env, "MERIDIAN_RECORDS_PER_DAY", 500),
    caseDocumentBytes: intFrom(env, "MERIDIAN_CASE_DOCUMENT_BYTES", 4 * 1024 ** 3),
    documentStore: documentStoreFrom(env.MERIDIAN_DOCUMENT_STORE),
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
  };
  if (config.retentionDays < 1) throw new ConfigError("MERIDIAN_RETENTION_DAYS must be at least 1");
  if (production) {
    const missing = [
      ["DATABASE_URL", config.databaseUrl],
      ["MERIDIAN_JWT_SECRET", config.jwtSecret],
      ["MERIDIAN_ENCRYPTION_KEY", config.encryptionKey],
    ].filter(([, value]) => !value).map(([name]) => name);
    if (missing.length > 0) throw new ConfigError(`production needs ${missing.join(", ")} in the environment`);
  }
  return config;
}
