import type { CaseStatus, ConsentFieldsFragment, MyCaseFragment } from "../generated/graphql";

/** The forward steps a patient sees explained, in order (DESIGN.md's workflow). */
export const STEPS: CaseStatus[] = ["RECORDS_COLLECTION", "CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED", "CLOSED"];

const FINISHED: CaseStatus[] = ["CLOSED", "WITHDRAWN"];

export const isFinished = (status: CaseStatus) => FINISHED.includes(status);

const rank = (status: CaseStatus) => (isFinished(status) ? 2 : status === "ON_HOLD" ? 1 : 0);

/** Active cases first (DESIGN.md: not on hold, closed or withdrawn), then paused, then finished; newest first within each, as the API lists them. */
export function orderCases<T extends { status: CaseStatus }>(cases: readonly T[]): T[] {
  return [0, 1, 2].flatMap((group) => cases.filter((c) => rank(c.status) === group));
}

export type Need = { kind: "RECORDS" } | { kind: "CONSENT"; countries: string[] };

/**
 * What the patient can do now for a running case, from what the server answers: no record whose
 * document has arrived while records are collected (the CASE_ORGANISATION guard counts
 * `recordCount`), or consent that does not cover the case (`consentActive`, the server's rule),
 * naming the accepted reviewers' countries that no active consent lists.
 */
export function needsOf(myCase: MyCaseFragment, consents: readonly ConsentFieldsFragment[]): Need[] {
  if (isFinished(myCase.status)) return [];
  const needs: Need[] = [];
  const collecting = myCase.status === "RECORDS_COLLECTION" || (myCase.status === "ON_HOLD" && myCase.heldFrom === "RECORDS_COLLECTION");
  if (collecting && myCase.recordCount === 0) needs.push({ kind: "RECORDS" });
  if (!myCase.consentActive) {
    const covered = new Set(consents.filter((c) => c.active && c.scope === "CROSS_BORDER_REVIEW").flatMap((c) => c.destinationCountries));
    const reviewing = myCase.assignments.filter((a) => a.status === "ACCEPTED" || a.status === "SUBMITTED").map((a) => a.reviewer.country);
    needs.push({ kind: "CONSENT", countries: [...new Set(reviewing.filter((country) => !covered.has(country)))].sort() });
  }
  return needs;
}
