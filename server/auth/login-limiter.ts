import crypto from "node:crypto";
import { RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { DataSource } from "typeorm";
import { RateLimitedError } from "../errors.js";

const WINDOW_SECONDS = 15 * 60;
export const LOGIN_LIMIT_TABLE = "login_limit";
/** Password-reset requests per account and per address in the same window: a few are plenty. */
export const RESET_LIMIT_PER_ACCOUNT = 5;
export const RESET_LIMIT_PER_ADDRESS = 50;
/** The name that keeps the password-reset limiter's rows apart from the login limiter's. */
export const RESET_LIMITER = "reset";

export interface LoginLimiter {
  /**
   * Counts an attempt against the account and the address before the password is
   * checked, atomically, so parallel attempts cannot slip past the limit; throws
   * RATE_LIMITED once either is used up.
   */
  attempt(email: string, clientAddress: string | null): Promise<void>;
  /** A successful login clears the account's count and gives the address its attempt back. */
  succeeded(email: string, clientAddress: string | null): Promise<void>;
}

/** Account keys are hashed: the limiter's table must not hold email addresses. */
const accountKey = (email: string) => crypto.createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
const ACCOUNT_PREFIX = "account";

/** The limiters' rows of an account (rate-limiter-flexible keys rows "prefix:key", one prefix per limiter), so an erasure can drop them. */
export const accountLimitRowKeys = (email: string) => ["", RESET_LIMITER].map((name) => `${name}${ACCOUNT_PREFIX}:${accountKey(email)}`);

/** Counters live in PostgreSQL so several server processes share them; `name` keeps limiters of different actions apart. */
export function createLoginLimiter(db: DataSource, perAccount: number, perAddress: number, name = ""): LoginLimiter {
  const pool = (db.driver as unknown as { master: unknown }).master;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract =>
    new RateLimiterPostgres({ storeClient: pool, storeType: "pool", tableName: LOGIN_LIMIT_TABLE, tableCreated: true, keyPrefix, points, duration: WINDOW_SECONDS });
  const byAccount = make(`${name}${ACCOUNT_PREFIX}`, perAccount);
  const byAddress = make(`${name}address`, perAddress);
  const limits: Array<[RateLimiterAbstract, number, (email: string, address: string | null) => string | null]> = [
    // The address first: an address over its limit must not go on using up the accounts it tries.
    [byAddress, perAddress, (_email, address) => address],
    [byAccount, perAccount, (email) => accountKey(email)],
  ];
  return {
    async attempt(email, clientAddress) {
      for (const [limiter, , keyOf] of limits) {
        const key = keyOf(email, clientAddress);
        if (key === null) continue;
        try {
          await limiter.consume(key, 1);
        } catch (rejection) {
          if (rejection instanceof RateLimiterRes) throw new RateLimitedError(Math.ceil(rejection.msBeforeNext / 1000));
          throw rejection;
        }
      }
    },
    async succeeded(email, clientAddress) {
      await byAccount.delete(accountKey(email));
      if (clientAddress !== null) await byAddress.reward(clientAddress, 1);
    },
  };
}
