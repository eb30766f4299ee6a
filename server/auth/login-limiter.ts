import crypto from "node:crypto";
import { RateLimiterPostgres, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import { RateLimitedError } from "../errors.js";

const WINDOW_SECONDS = 15 * 60;
export const LOGIN_LIMIT_TABLE = "login_limit";

export interface LoginLimiter {
  /** Throws RATE_LIMITED when the account or the address has used up its failed attempts. */
  assertAllowed(email: string, clientAddress: string | null): Promise<void>;
  recordFailure(email: string, clientAddress: string | null): Promise<void>;
  recordSuccess(email: string): Promise<void>;
}

/** Account keys are hashed: the limiter's table must not hold email addresses. */
const accountKey = (email: string) => crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex");

/** Counters live in PostgreSQL so several server processes share them. */
export function createLoginLimiter(db: DataSource, perAccount: number, perAddress: number): LoginLimiter {
  const pool = (db.driver as unknown as { master: unknown }).master;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract =>
    new RateLimiterPostgres({ storeClient: pool, storeType: "pool", tableName: LOGIN_LIMIT_TABLE, tableCreated: true, keyPrefix, points, duration: WINDOW_SECONDS });
  const byAccount = make("account", perAccount);
  const byAddress = make("address", perAddress);
  const limits: Array<[RateLimiterAbstract, number, (email: string, address: string | null) => string | null]> = [
    [byAccount, perAccount, (email) => accountKey(email)],
    [byAddress, perAddress, (_email, address) => address],
  ];
  return {
    async assertAllowed(email, clientAddress) {
      for (const [limiter, points, keyOf] of limits) {
        const key = keyOf(email, clientAddress);
        if (key === null) continue;
        const state = await limiter.get(key);
        if (state && state.consumedPoints >= points) throw new RateLimitedError(Math.ceil(state.msBeforeNext / 1000));
      }
    },
    async recordFailure(email, clientAddress) {
      for (const [limiter, , keyOf] of limits) {
        const key = keyOf(email, clientAddress);
        if (key !== null) await limiter.penalty(key, 1);
      }
    },
    async recordSuccess(email) {
      await byAccount.delete(accountKey(email));
    },
  };
}
