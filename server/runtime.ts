import path from "node:path";
import type { DataSource } from "typeorm";
import type { Config } from "./config.js";
import { createKeyRing, type KeyRing } from "./auth/field-crypto.js";
import { createLoginLimiter, RESET_LIMIT_PER_ACCOUNT, RESET_LIMIT_PER_ADDRESS, RESET_LIMITER, type LoginLimiter } from "./auth/login-limiter.js";
import { createQuotas, type Quotas } from "./auth/quotas.js";
import { createViewerReader, type ViewerReader } from "./auth/viewer-reader.js";
import { createReadAuditWriter, type ReadAuditWriter } from "./audit/read-audit.js";
import { verifyPassword } from "./auth/password.js";
import { loadSecrets } from "./db/secrets.js";
import type { Logger } from "./logger.js";
import { createFileMailer, type Mailer } from "./mail/mailer.js";
import { createDocumentStore, createFileBackend, type DocumentStore } from "./records/document-store.js";
import { createPostgresBackend } from "./records/postgres-document-store.js";

/** What lives as long as the process: built once, shared by every request. */
export interface Runtime {
  config: Config;
  db: DataSource;
  logger: Logger;
  jwtSecret: Uint8Array;
  keyRing: KeyRing;
  documents: DocumentStore;
  loginLimiter: LoginLimiter;
  /** Password-reset requests, limited like logins (per account, per address). */
  resetLimiter: LoginLimiter;
  mailer: Mailer;
  /** Request rate and write quotas per user, shared by every process. */
  quotas: Quotas;
  /** Who a request's token names, read fresh for every request (concurrent requests' in one statement). */
  viewers: ViewerReader;
  /** Requests' reads of personal health data, written to the audit trail with group commit. */
  readAudit: ReadAuditWriter;
  /** Password verification (argon2id), held here so a test can observe that every login pays for one. */
  /** The origin every absolute URL is built on: MERIDIAN_PUBLIC_URL, else http://localhost:PORT once listening. */
  publicUrl: string;
  passwords: { verify: (hash: string, password: string) => Promise<boolean> };
}

/**
 * The configured store takes new documents; the other one is still read (and removed from) for
 * documents not yet moved (`npm run documents:move`), so switching stores loses none.
 */
function documentStoreFor(config: Config, db: DataSource, keyRing: KeyRing): DocumentStore {
  const files = createFileBackend(path.join(config.dataDir, "documents"));
  const database = createPostgresBackend(db);
  return config.documentStore === "postgres" ? createDocumentStore(database, keyRing, files) : createDocumentStore(files, keyRing, database);
}

export async function createRuntime(config: Config, db: DataSource, logger: Logger): Promise<Runtime> {
  const secrets = await loadSecrets(db, config);
  const keyRing = createKeyRing(secrets.encryptionKey, secrets.previousEncryptionKeys);
  return {
    config,
    db,
    logger,
    jwtSecret: secrets.jwtSecret,
    keyRing,
    documents: documentStoreFor(config, db, keyRing),
    loginLimiter: createLoginLimiter(db, config.loginLimitPerAccount, config.loginLimitPerAddress),
    resetLimiter: createLoginLimiter(db, RESET_LIMIT_PER_ACCOUNT, RESET_LIMIT_PER_ADDRESS, RESET_LIMITER),
    mailer: createFileMailer(config.mailDir, logger, config.production),
    quotas: createQuotas(db, config),
    viewers: createViewerReader(db),
    readAudit: createReadAuditWriter(db),
    publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
    passwords: { verify: verifyPassword },
  };
}
