import { remove as withoutConfusables } from "confusables";

/**
 * How free text and the patient's identifiers are compared: both go through `normalize`,
 * then the identifiers' patterns (regular expressions over normalized text) are tried.
 */

// Characters outside ASCII and the Han script: where look-alike letters hide. Han is left alone
// because the confusables table maps real Chinese characters (丁, 山, 七) to Latin letters.
const FOREIGN = /[^\u0000-\u007f\p{Script=Han}]+/gu;

/**
 * NFKC (full-width and mathematical letters fold to plain ones), invisible format characters
 * (soft hyphen, zero-width space, bidirectional controls) dropped, diacritics removed, look-alike
 * letters of other scripts (Cyrillic а, Greek ο) replaced by the Latin letter (the `confusables`
 * package), then lower case.
 */
export function normalize(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\p{Cf}/gu, "")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .normalize("NFC")
    .replace(FOREIGN, withoutConfusables)
    .toLowerCase();
}

/** Normalized, with everything but letters and digits removed: "H o l-l o w a y" gives "holloway". */
export const squash = (text: string) => normalize(text).replace(/[^\p{L}\p{N}]+/gu, "");

/** Letters and digits of normalized text, as words: "O'Brien-Smith" gives o, brien, smith. */
export const words = (text: string) => normalize(text).split(/[^\p{L}\p{N}]+/u).filter(Boolean);

/** Not inside a Latin word or a number (Chinese text has no spaces, so Han letters do not count). */
export const WORD_START = "(?<![\\p{Script=Latin}\\p{N}])";
export const WORD_END = "(?![\\p{Script=Latin}\\p{N}])";

const GAP = "[^\\p{L}\\p{N}]*";

/** Words in sequence, joined by any punctuation or spacing or by nothing: "wei li", "wei-li", "weili". */
export const wordSequence = (parts: string[]) => parts.join(GAP);

/** Letters and digits in sequence, anywhere, whatever is put between them: "H o l-l o w a y", "1234 567 890". */
export const spelled = (text: string) => [...text].join(GAP);
