import "reflect-metadata";
import path from "node:path";
import { DataSource, type Logger as TypeOrmLogger } from "typeorm";
import { entities } from "./entities.js";
import { SnakeNamingStrategy } from "./naming-strategy.js";

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  connectTimeoutMs?: number;
  /** PostgreSQL cancels a statement after this long (MERIDIAN_DB_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs?: number;
  /** Called for every SQL statement sent (tests count them). */
  onQuery?: (sql: string) => void;
}

class QueryCounter implements TypeOrmLogger {
  constructor(private readonly onQuery: (sql: string) => void) {}
  logQuery(query: string) {
    this.onQuery(query);
  }
  logQueryError() {}
  logQuerySlow() {}
  logSchemaBuild() {}
  logMigration() {}
  log() {}
}

export const migrationsGlob = path.join(__dirname, "..", "..", "migrations", "*.{js,ts}");

/** How much longer than the statement timeout the driver waits for an answer before it gives up itself. */
const QUERY_TIMEOUT_MARGIN_MS = 1000;

export function createDataSource(options: DataSourceOptions): DataSource {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  return new DataSource({
    type: "postgres",
    url: options.url,
    entities,
    migrations: [migrationsGlob],
    migrationsTableName: "schema_migration",
    migrationsTransactionMode: "each",
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+: no extension (and no superuser) needed.
    uuidExtension: "pgcrypto",
    installExtensions: false,
    logging: options.onQuery ? ["query"] : false,
    logger: options.onQuery ? new QueryCounter(options.onQuery) : undefined,
    extra: {
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      // A slow statement is cancelled by PostgreSQL; a database that does not answer at all (stopped,
      // frozen, cut off) is given up on by the driver just after: requests fail, they never hang.
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
      application_name: "meridian",
    },
  });
}
