import path from "node:path";

/** Everything the process reads from its environment, parsed once. */
export interface Config {
  production: boolean;
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  /** The built web app (client/dist) served at `/`; absent until `npm run build:client`. */
  clientDir: string;
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

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a non-negative integer`);
  return value;
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
    logLevel: env.LOG_LEVEL || (env.NODE_ENV === "test" ? "silent" : "info"),
  };
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
