import type { CaseStatus } from "../generated/graphql";

/** The forward path of DESIGN.md's workflow, for showing where a case stands. */
export const FORWARD: CaseStatus[] = [
  "RECORDS_COLLECTION",
  "CASE_ORGANISATION",
  "TRANSLATION",
  "PATHWAY_ASSESSMENT",
  "OPTION_MAPPING",
  "OPTIONS_DELIVERED",
  "CLOSED",
];

export const ALL_STATUSES: CaseStatus[] = [...FORWARD, "ON_HOLD", "WITHDRAWN"];

export function isTerminal(status: CaseStatus): boolean {
  return status === "CLOSED" || status === "WITHDRAWN";
}

/** The next forward status of an active case (the server decides whether it is allowed). */
export function nextForward(status: CaseStatus): CaseStatus | null {
  const index = FORWARD.indexOf(status);
  return index >= 0 && index < FORWARD.length - 1 ? FORWARD[index + 1] : null;
}
