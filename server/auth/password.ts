import argon2 from "argon2";
import { BadUserInputError } from "../errors.js";

/** OWASP's argon2id baseline: 19 MiB, 2 iterations. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash of a random secret: verifying against it costs what a real check costs (no timing oracle for unknown emails). */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`no-such-account-${Math.random()}`);
  return dummyHash;
}

/** A sane minimum: length over composition rules (NIST SP 800-63B), and not the email itself. */
export function checkPasswordPolicy(password: string, email: string, field: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new BadUserInputError(field, `The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new BadUserInputError(field, `The password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  if (new Set(password).size < 4 || password.toLowerCase().includes(email.toLowerCase().split("@")[0])) {
    throw new BadUserInputError(field, "The password is too easy to guess");
  }
}
