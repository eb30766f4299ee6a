import { RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import type { Config } from "../config.js";
import { RateLimitedError } from "../errors.js";
import { LOGIN_LIMIT_TABLE } from "./login-limiter.js";

/**
 * Per-user limits on requests and writes, far above what a coordinator or a patient does in
 * a day's work. Counters live in PostgreSQL (the login limiter's table, under their own key
 * prefixes) so every server process shares them; once a user is over a limit the process
 * also remembers it in memory until the window ends, so an attack costs no more queries.
 */
export interface Quotas {
  /** One GraphQL request by a signed-in user. */
  request(userId: string): Promise<void>;
  /** One comment. */
  comment(userId: string): Promise<void>;
  /** One medical record (each takes one upload). */
  record(userId: string): Promise<void>;
}

export function createQuotas(db: DataSource, config: Pick<Config, "requestsPerMinute" | "commentsPerMinute" | "recordsPerDay">): Quotas {
  const pool = (db.driver as unknown as { master: unknown }).master;
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      tableName: LOGIN_LIMIT_TABLE,
      tableCreated: true,
      keyPrefix,
      points,
      duration,
      inMemoryBlockOnConsumed: points,
    });
  const consume = (limiter: RateLimiterAbstract) => async (userId: string) => {
    try {
      await limiter.consume(userId, 1);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  };
  return {
    request: consume(make("request", config.requestsPerMinute, 60)),
    comment: consume(make("comment", config.commentsPerMinute, 60)),
    record: consume(make("record", config.recordsPerDay, 24 * 60 * 60)),
  };
}
