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
