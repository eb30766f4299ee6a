import { CaseStatus, type TransitionRequirement } from "../common/enums.js";

/**
 * The case status machine of DESIGN.md, pure: services gather the facts, this
 * decides. Forward edges carry guards; ON_HOLD resumes only to where it came from.
 */

export type Requirement = `${TransitionRequirement}`;

export interface GuardFacts {
  /** Records whose bytes have arrived: a record without its document is not collected. */
  recordCount: number;
  hasPublishedSummary: boolean;
  /** A published translation of the newest published summary, or every accepted reviewer reads its language. */
  translationReady: boolean;
  /** The patient's consents cover every accepted reviewer's country. */
  consentCoversAcceptedReviewers: boolean;
  acceptedReviewerCount: number;
  submittedReviewCount: number;
  optionsForPresentationCount: number;
}

export const FORWARD: readonly CaseStatus[] = [
  CaseStatus.RECORDS_COLLECTION,
  CaseStatus.CASE_ORGANISATION,
  CaseStatus.TRANSLATION,
  CaseStatus.PATHWAY_ASSESSMENT,
  CaseStatus.OPTION_MAPPING,
  CaseStatus.OPTIONS_DELIVERED,
  CaseStatus.CLOSED,
];

const ACTIVE: readonly CaseStatus[] = FORWARD.filter((s) => s !== CaseStatus.CLOSED);

export const isActive = (status: CaseStatus) => ACTIVE.includes(status);
export const isTerminal = (status: CaseStatus) => status === CaseStatus.CLOSED || status === CaseStatus.WITHDRAWN;

/** What entering `status` requires that the facts do not give. */
export function unmetRequirements(status: CaseStatus, facts: GuardFacts): Requirement[] {
  const missing: Requirement[] = [];
  switch (status) {
    case CaseStatus.CASE_ORGANISATION:
      if (facts.recordCount < 1) missing.push("MEDICAL_RECORD");
      break;
    case CaseStatus.TRANSLATION:
      if (!facts.hasPublishedSummary) missing.push("PUBLISHED_SUMMARY");
      break;
    case CaseStatus.PATHWAY_ASSESSMENT:
      if (!facts.translationReady) missing.push("PUBLISHED_TRANSLATION");
      if (!facts.consentCoversAcceptedReviewers) missing.push("ACTIVE_CONSENT");
      if (facts.acceptedReviewerCount < 1) missing.push("ACCEPTED_REVIEWER");
      break;
    case CaseStatus.OPTION_MAPPING:
      if (facts.submittedReviewCount < 1) missing.push("SUBMITTED_REVIEW");
      break;
    case CaseStatus.OPTIONS_DELIVERED:
      if (facts.optionsForPresentationCount < 1) missing.push("OPTION_FOR_PRESENTATION");
      break;
    default:
      break;
  }
  return missing;
}

export interface CaseState {
  status: CaseStatus;
  heldFrom: CaseStatus | null;
}

export type TransitionPlan =
  | { ok: true; next: CaseState }
  | { ok: false; reason: "NO_SUCH_EDGE" | "GUARD"; missing: Requirement[] }
  | { ok: false; reason: "NOTE_REQUIRED"; missing: [] };

/** The status a case has reached: an ON_HOLD case's is the one it left. */
export const reachedStatus = (state: CaseState): CaseStatus | null => (state.status === CaseStatus.ON_HOLD ? state.heldFrom : state.status);

/**
 * What the patient received is frozen from OPTIONS_DELIVERED on: the case's options take
 * no change (none added, edited or set aside) until option mapping is reopened.
 */
export function optionsFrozen(state: CaseState): boolean {
  const reached = reachedStatus(state);
  return reached === CaseStatus.OPTIONS_DELIVERED || reached === CaseStatus.CLOSED;
}

/** The one backward edge: later changes to delivered options go through a new delivery. */
const REOPEN: Partial<Record<CaseStatus, CaseStatus>> = { [CaseStatus.OPTIONS_DELIVERED]: CaseStatus.OPTION_MAPPING };

/** Whether the diagram has an edge from `from` to `to`, guards aside. */
export function hasEdge(from: CaseState, to: CaseStatus): boolean {
  if (to === CaseStatus.WITHDRAWN) return from.status !== CaseStatus.CLOSED && from.status !== CaseStatus.WITHDRAWN;
  if (from.status === CaseStatus.ON_HOLD) return to === from.heldFrom;
  if (to === CaseStatus.ON_HOLD) return isActive(from.status);
  if (REOPEN[from.status] === to) return true;
  const index = FORWARD.indexOf(from.status);
  return index >= 0 && index < FORWARD.length - 1 && FORWARD[index + 1] === to;
}

/** Putting a case on hold takes a note saying why. */
export const requiresNote = (to: CaseStatus) => to === CaseStatus.ON_HOLD;

export interface TransitionOption {
  to: CaseStatus;
  /** What the target's guard still lacks (empty: planTransition accepts it, given a note where requiresNote). */
  missing: Requirement[];
}

/** Every edge of the diagram from `from`, each with its guard evaluated: what planTransition would answer for each. */
export function transitionOptions(from: CaseState, facts: GuardFacts): TransitionOption[] {
  return (Object.values(CaseStatus) as CaseStatus[]).filter((to) => hasEdge(from, to)).map((to) => ({ to, missing: unmetRequirements(to, facts) }));
}

export function planTransition(from: CaseState, to: CaseStatus, facts: GuardFacts, note: string | null): TransitionPlan {
  if (!hasEdge(from, to)) return { ok: false, reason: "NO_SUCH_EDGE", missing: [] };
  const missing = unmetRequirements(to, facts);
  if (missing.length > 0) return { ok: false, reason: "GUARD", missing };
  if (requiresNote(to) && (!note || note.trim() === "")) return { ok: false, reason: "NOTE_REQUIRED", missing: [] };
  return { ok: true, next: to === CaseStatus.ON_HOLD ? { status: to, heldFrom: from.status } : { status: to, heldFrom: null } };
}
