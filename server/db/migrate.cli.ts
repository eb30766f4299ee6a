import "reflect-metadata";
import { loadConfig } from "../config.js";
import { openDatabase, runMigrations } from "./database.js";

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function main() {
  const database = await openDatabase(loadConfig());
  try {
    const applied = await runMigrations(database.dataSource);
    process.stdout.write(applied.length ? `applied: ${applied.join(", ")}\n` : "no pending migrations\n");
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  process.stderr.write(`migration failed: ${(error as Error).message}\n`);
  process.exit(1);
});
