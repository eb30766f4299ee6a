import { normalize, NUMBER_END, NUMBER_START } from "./identifier-text.js";

/**
 * The forms a date of birth is written in: numeric in every order (1961-03-05, 05/03/1961,
 * 3/5/61, 5.3.1961, 19610305), with an English or French month name (March 5, 1961; 5 Mar 1961;
 * 5 mars 1961; 05-MAR-1961) and in Chinese (1961年3月5日). Only whole numbers are compared,
 * so a stage, a dose or another date that merely contains the digits does not match.
 */

/** Between numbers: one of - / . (spaced or not); with a four-digit year, spaces alone too (1958 03 14). */
const PUNCTUATION = "\\s*[-/.]\\s*";
const PUNCTUATION_OR_SPACE = `(?:${PUNCTUATION}|\\s+)`;
/** Around a month name: spaces, punctuation, or nothing (05MAR1961). */
const WORD_SEPARATOR = "[\\s\\-/.,]*";

const MONTH_FORMATS = ["en-US", "en-GB", "fr"].flatMap((locale) =>
  (["long", "short"] as const).map((month) => new Intl.DateTimeFormat(locale, { month, timeZone: "UTC" })),
);

/** The month's names as ICU writes them in English (US: Sep, GB: Sept) and French (févr.), normalized like the text. */
function monthNames(month: number): string[] {
  const date = new Date(Date.UTC(2000, month - 1, 15));
  const names = MONTH_FORMATS.map((format) => normalize(format.format(date)).replace(/[^\p{L}]/gu, ""));
  // Longest first, so that "mars" is tried before "mar".
  return [...new Set(names)].sort((a, b) => b.length - a.length);
}

/** "5" or "05" for 5; "14" for 14. */
const unpadded = (n: number) => (n < 10 ? `0?${n}` : String(n));
const padded = (n: number) => String(n).padStart(2, "0");

/** Regular expressions (sources) over normalized text, one per form of the date (YYYY-MM-DD). */
export function dateOfBirthForms(isoDate: string): string[] {
  const [y, m, d] = isoDate.split("-").map(Number);
  const [year, shortYear] = [String(y), String(y).slice(2)];
  const [month, day] = [unpadded(m), unpadded(d)];
  const anyYear = `(?:${year}|'?${shortYear})`;
  const monthName = `(?<![a-z])(?:${monthNames(m).join("|")})(?![a-z])`;
  const ordinalDay = `${day}(?:st|nd|rd|th|er)?`;
  const forms = [
    [year, month, day].join(PUNCTUATION_OR_SPACE),
    [day, month, year].join(PUNCTUATION_OR_SPACE),
    [month, day, year].join(PUNCTUATION_OR_SPACE),
    [shortYear, padded(m), padded(d)].join(PUNCTUATION),
    [day, month, shortYear].join(PUNCTUATION),
    [month, day, shortYear].join(PUNCTUATION),
    year + padded(m) + padded(d),
    padded(d) + padded(m) + year,
    padded(m) + padded(d) + year,
    `${ordinalDay}${WORD_SEPARATOR}(?:(?:of|de)\\s+)?${monthName}${WORD_SEPARATOR}${anyYear}`,
    `${monthName}${WORD_SEPARATOR}${ordinalDay}${WORD_SEPARATOR}${anyYear}`,
    `${year}${WORD_SEPARATOR}${monthName}${WORD_SEPARATOR}${day}`,
    `${year}\\s*年\\s*${month}\\s*月\\s*${day}\\s*[日号]`,
  ];
  return forms.map((form) => NUMBER_START + form + NUMBER_END);
}
