import "reflect-metadata";
import { createApp } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase, runMigrations } from "./db/database.js";
import { DataDirectoryInUseError } from "./db/embedded-postgres.js";
import { describeDemo, seedDemo } from "./db/seed-demo.js";
import { createLogger } from "./logger.js";
import { createRuntime } from "./runtime.js";

/** `npm start`: the embedded (or DATABASE_URL) database, migrations, demo data, then the server. */
async function main() {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`meridian: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config);
  const { dataSource } = database;
  if (!config.production) {
    const applied = await runMigrations(dataSource);
    if (applied.length) logger.info({ applied }, "migrations applied");
  } else if (await dataSource.showMigrations()) {
    logger.warn("migrations are pending: run npm run migrate");
  }
  const runtime = await createRuntime(config, dataSource, logger);
  if (!config.production) {
    const demo = await seedDemo(runtime);
    process.stdout.write(`\n${describeDemo(demo)}\n\n`);
  }
  const app = await createApp(runtime);
  const port = await app.listen(config.port);
  logger.info({ port, startupMs: Date.now() - started, embedded: database.cluster !== null }, "meridian is listening");
  process.stdout.write(`Meridian: http://localhost:${port}/graphql\nWeb app: http://localhost:${port}/\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const forced = setTimeout(() => process.exit(1), 20_000);
    forced.unref();
    try {
      await app.close();
      await database.close();
      logger.info("stopped");
      process.exit(0);
    } catch (error) {
      logger.error({ errorName: (error as Error).name }, "unclean shutdown");
      process.exit(1);
    }
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((error) => {
  const known = error instanceof DataDirectoryInUseError;
  process.stderr.write(`meridian failed to start: ${known ? (error as Error).message : ((error as Error)?.stack ?? String(error))}\n`);
  process.exit(1);
});
