import { BadUserInputError } from "../errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

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

/**
 * The dotted path of the first string holding a NUL character (U+0000) in an argument
 * value, or undefined. PostgreSQL text cannot store NUL: such input is bad input, not a
 * server error.
 */
export function pathOfNulCharacter(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (value === null || typeof value !== "object" || value instanceof Date) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const found = pathOfNulCharacter(item, `${path}.${key}`);
    if (found) return found;
  }
  return undefined;
}
