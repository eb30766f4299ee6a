import type { DataSource } from "typeorm";
import { logUnexpected } from "../errors.js";
import type { Logger } from "../logger.js";

/** How often the count rows are folded: a total sums the rows appended since, one per changing statement. */
const COMPACT_EVERY_MS = 60_000;

export const COMPACT_CASE_COUNTS = `WITH folded AS (DELETE FROM case_status_count RETURNING status, cases)
  INSERT INTO case_status_count (status, cases) SELECT status, sum(cases) FROM folded GROUP BY status HAVING sum(cases) <> 0`;

/**
 * Folds the rows of case_status_count (migration CaseStatusCount) into one per status, in one
 * statement, so that every total reads the same before and after. Writers only append, so they
 * never wait on it; another process folding at the same time skips the rows this one deleted,
 * so each row's count moves once.
 */
export async function compactCaseCounts(db: DataSource): Promise<void> {
  await db.query(COMPACT_CASE_COUNTS);
}

export function scheduleCaseCountCompaction(db: DataSource, logger: Logger): { stop(): void } {
  const timer = setInterval(() => {
    compactCaseCounts(db).catch((error) => logUnexpected(logger, error, { step: "case count compaction" }));
  }, COMPACT_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
