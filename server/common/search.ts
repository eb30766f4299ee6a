import { BadUserInputError } from "../errors.js";
import { LIMITS } from "./limits.js";

/**
 * Text search that ignores case and accents, the same way on both sides: the stored
 * search column (see the entities' `searchText`) and the text a user types. Done here,
 * not in SQL, so the result does not depend on the database's collation, locale or
 * extensions (a managed PostgreSQL may differ from the embedded one).
 */

/** As long as a name may be. */
export const MAX_SEARCH_LENGTH = LIMITS.name;
/** Each word is one more condition: more than this is not a name, email or case reference. */
const MAX_SEARCH_TERMS = 10;

/** Latin letters that Unicode does not decompose into a base letter and a mark. */
const UNDECOMPOSED: Record<string, string> = { ß: "ss", æ: "ae", œ: "oe", ø: "o", ł: "l", đ: "d", ð: "d", þ: "th", ı: "i" };

/**
 * NFKD (compatibility forms such as full-width letters become plain ones, accented letters
 * a base letter and marks), marks dropped, lowercased, runs of spacing made one space.
 * "Hélène TREMBLAY" and "helene tremblay" fold alike; Chinese characters are kept as they are.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (letter) => UNDECOMPOSED[letter])
    .replace(/\s+/gu, " ")
    .trim();
}

/** The stored search text of several fields; a newline separates them, and no search term holds one. */
export const searchTextOf = (...fields: string[]) => fields.map(foldForSearch).join("\n");

/**
 * The folded words of a search, each of which must occur somewhere (so "tremblay helene"
 * finds Hélène Tremblay); empty when there is nothing to search for.
 */
export function searchTerms(search: string | null | undefined, field: string): string[] {
  if (search === null || search === undefined) return [];
  if (search.length > MAX_SEARCH_LENGTH) throw new BadUserInputError(field, `${field} must have at most ${MAX_SEARCH_LENGTH} characters`);
  const folded = foldForSearch(search);
  const terms = folded === "" ? [] : [...new Set(folded.split(" "))];
  if (terms.length > MAX_SEARCH_TERMS) throw new BadUserInputError(field, `${field} may have at most ${MAX_SEARCH_TERMS} words`);
  return terms;
}
