import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { likePattern } from "../common/input.js";

/**
 * Narrows `query` to rows where every search term (common/search.ts searchTerms) occurs:
 * `anyOf` gets the term's parameter name (":term0") and returns the SQL condition that
 * the term matches somewhere (folded search columns with LIKE, a case reference with ILIKE).
 */
export function whereEveryTerm<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, terms: readonly string[], anyOf: (param: string) => string): void {
  terms.forEach((term, i) => query.andWhere(`(${anyOf(`:term${i}`)})`, { [`term${i}`]: likePattern(term, true) }));
}
