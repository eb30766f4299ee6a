import "reflect-metadata";
import path from "node:path";
import { DataSource, type Logger as TypeOrmLogger } from "typeorm";
import { entities } from "./entities.js";
import { SnakeNamingStrategy } from "./naming-strategy.js";

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  connectTimeoutMs?: number;
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

export function createDataSource(options: DataSourceOptions): DataSource {
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
      // A frozen database must not hang requests forever.
      statement_timeout: 30_000,
      query_timeout: 35_000,
      application_name: "meridian",
    },
  });
}
