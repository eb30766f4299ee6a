import { BadUserInputError } from "../errors.js";

/**
 * How every string argument is cleaned before any resolver sees it: one rule for the
 * whole API rather than a check per field.
 * - secrets (passwords, tokens) are taken exactly as typed;
 * - other text is trimmed, so blank counts as empty: a required string that is blank is
 *   refused, an optional one becomes null;
 * - control characters are refused (multi-line text keeps tab and line breaks), and so
 *   are bidirectional overrides and isolates, which make text display in another order
 *   than it is stored ("Trojan Source").
 */
export type TextKind = "secret" | "multiline" | "single-line";

/** Arguments and input fields that are secrets, never text to clean up. */
const SECRET_NAMES = new Set(["password", "currentPassword", "newPassword", "token", "refreshToken"]);

/** Free text written in paragraphs; every other string is a single line (a name, a title, a code). */
const MULTILINE_NAMES = new Set([
  "body",
  "reason",
  "note",
  "opinion",
  "description",
  "evidence",
  "eligibility",
  "result",
  "primaryCancer",
  "histology",
  "treatmentHistory",
  "currentPlan",
  "questionsForReviewers",
]);

export function textKindOf(name: string): TextKind {
  if (SECRET_NAMES.has(name)) return "secret";
  return MULTILINE_NAMES.has(name) ? "multiline" : "single-line";
}

const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;
/** An unpaired UTF-16 surrogate: not Unicode text, and UTF-8 (hence PostgreSQL) would store U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The text as it will be stored, or BAD_USER_INPUT naming `path`. `required` says whether
 * the schema demands a value: blank is then refused; otherwise it becomes null.
 */
export function cleanText(value: string, kind: TextKind, path: string, required: boolean): string | null {
  if (value.includes("\u0000")) throw new BadUserInputError(path, `${path} must not contain NUL characters`);
  if (LONE_SURROGATE.test(value)) throw new BadUserInputError(path, `${path} must not contain unpaired UTF-16 surrogates`);
  if (kind === "secret") return value;
  if ((kind === "multiline" ? CONTROL_EXCEPT_LINES : CONTROL).test(value)) {
    throw new BadUserInputError(path, kind === "multiline" ? `${path} must not contain control characters other than tab and line breaks` : `${path} must be one line without control characters`);
  }
  if (BIDI_CONTROL.test(value)) throw new BadUserInputError(path, `${path} must not contain bidirectional override characters`);
  const text = value.trim();
  if (text !== "") return text;
  if (required) throw new BadUserInputError(path, `${path} must not be empty`);
  return null;
}
