import { remove as withoutConfusables } from "confusables";

/**
 * How free text and the patient's identifiers are compared: both go through `normalize`,
 * then the identifiers' patterns (regular expressions over normalized text) are tried.
 * Normalized text holds only ASCII, letters and digits, so the patterns, compiled afresh for
 * every patient, need only ASCII classes: Unicode property classes make compiling them slow.
 */

// Characters outside ASCII and the Han script: where look-alike letters hide. Han is left alone
// because the confusables table maps real Chinese characters (丁, 山, 七) to Latin letters.
const FOREIGN = /[^\u0000-\u007f\p{Script=Han}]+/gu;
/** Punctuation, symbols and spacing outside ASCII (。·— ’), which confusables left as they were. */
const OTHER_NON_WORD = /[^\u0000-\u007f\p{L}\p{N}]/gu;

/**
 * NFKC (full-width and mathematical letters fold to plain ones), invisible format characters
 * (soft hyphen, zero-width space, bidirectional controls) dropped, diacritics removed, look-alike
 * letters of other scripts (Cyrillic а, Greek ο) replaced by the Latin letter (the `confusables`
 * package), lower case, and any other punctuation or spacing made a plain space.
 */
export function normalize(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .normalize("NFC")
    .replace(FOREIGN, withoutConfusables)
    .toLowerCase()
    .replace(OTHER_NON_WORD, " ");
}

/** Normalized, with everything but letters and digits removed: "H o l-l o w a y" gives "holloway". */
export const squash = (text: string) => normalize(text).replace(/[^\p{L}\p{N}]+/gu, "");

/** Letters and digits of normalized text, as words: "O'Brien-Smith" gives o, brien, smith. */
export const words = (text: string) => normalize(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** Not inside a Latin word or a number (Chinese text has no spaces, so Han letters do not count). */
export const WORD_START = "(?<![a-z0-9])";
export const WORD_END = "(?![a-z0-9])";
export const NUMBER_START = "(?<![0-9])";
export const NUMBER_END = "(?![0-9])";

/** Between letters and digits in normalized text: ASCII punctuation and spacing, or nothing. */
const GAP = "[\\s!-/:-@\\[-`{-~]*";

/** Words in sequence, joined by any punctuation or spacing or by nothing: "wei li", "wei-li", "weili". */
export const wordSequence = (parts: string[]) => parts.join(GAP);

/** Letters and digits in sequence, anywhere, whatever is put between them: "H o l-l o w a y", "1234 567 890". */
export const spelled = (text: string) => [...text].join(GAP);
