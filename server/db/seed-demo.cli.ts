import "reflect-metadata";
import { loadConfig } from "../config.js";
import { createLogger } from "../logger.js";
import { createRuntime } from "../runtime.js";
import { openDatabase, runMigrations } from "./database.js";
import { describeDemo, seedDemo } from "./seed-demo.js";

/** `npm run seed:demo`: the demo accounts and cases, into DATABASE_URL (or the embedded database), idempotently. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    await runMigrations(database.dataSource);
    const runtime = await createRuntime(config, database.dataSource, createLogger(config.logLevel));
    process.stdout.write(`${describeDemo(await seedDemo(runtime))}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`seeding failed: ${(error as Error).message}\n`);
  process.exit(1);
});
