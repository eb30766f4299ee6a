import { BadUserInputError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

/** A LIKE pattern matching `text` literally (its % and _ escaped); `anywhere` wraps it in %...%. */
export function likePattern(text: string, anywhere = false): string {
  const literal = text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return anywhere ? `%${literal}%` : literal;
}

/** Trimmed text within bounds; blank counts as missing. */
export function requireText(value: string | null | undefined, field: string, max: number): string {
  const text = (value ?? "").trim();
  if (text === "") throw new BadUserInputError(field, `${field} must not be empty`);
  if (text.length > max) throw new BadUserInputError(field, `${field} must have at most ${max} characters`);
  return text;
}

/** Like requireText, but null (or blank) stays null. */
export function optionalText(value: string | null | undefined, field: string, max: number): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  return requireText(value, field, max);
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A Date from the `Date` scalar, as the YYYY-MM-DD the database stores. */
export function dateOnly(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** An unpaired UTF-16 surrogate: not Unicode text, and UTF-8 (hence PostgreSQL) would store U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The dotted path of the first string in an argument value that cannot be stored as sent,
 * with what is wrong with it, or undefined. PostgreSQL text cannot hold NUL (U+0000), and
 * a lone surrogate would silently become U+FFFD: such input is bad input, not a server
 * error and not a quiet change of the text.
 */
export function findUnstorableText(value: unknown, path: string): { path: string; problem: string } | undefined {
  if (typeof value === "string") {
    if (value.includes("\u0000")) return { path, problem: "must not contain NUL characters" };
    if (LONE_SURROGATE.test(value)) return { path, problem: "must not contain unpaired UTF-16 surrogates" };
    return undefined;
  }
  if (value === null || typeof value !== "object" || value instanceof Date) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = findUnstorableText(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
