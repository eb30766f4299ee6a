import { CaseStatus } from "../common/enums.js";

/**
 * The case status machine of DESIGN.md, pure: services gather the facts, this
 * decides. Forward edges carry guards; ON_HOLD resumes only to where it came from.
 */

export type Requirement =
  | "MEDICAL_RECORD"
  | "PUBLISHED_SUMMARY"
  | "PUBLISHED_TRANSLATION"
  | "ACTIVE_CONSENT"
  | "ACCEPTED_REVIEWER"
  | "SUBMITTED_REVIEW"
  | "OPTION_FOR_PRESENTATION";

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

/** Whether the diagram has an edge from `from` to `to`, guards aside. */
export function hasEdge(from: CaseState, to: CaseStatus): boolean {
  if (to === CaseStatus.WITHDRAWN) return from.status !== CaseStatus.CLOSED && from.status !== CaseStatus.WITHDRAWN;
  if (from.status === CaseStatus.ON_HOLD) return to === from.heldFrom;
  if (to === CaseStatus.ON_HOLD) return isActive(from.status);
  const index = FORWARD.indexOf(from.status);
  return index >= 0 && index < FORWARD.length - 1 && FORWARD[index + 1] === to;
}

export function planTransition(from: CaseState, to: CaseStatus, facts: GuardFacts, note: string | null): TransitionPlan {
  if (!hasEdge(from, to)) return { ok: false, reason: "NO_SUCH_EDGE", missing: [] };
  if (to === CaseStatus.ON_HOLD) {
    if (!note || note.trim() === "") return { ok: false, reason: "NOTE_REQUIRED", missing: [] };
    return { ok: true, next: { status: CaseStatus.ON_HOLD, heldFrom: from.status } };
  }
  if (to === CaseStatus.WITHDRAWN) return { ok: true, next: { status: to, heldFrom: null } };
  const missing = unmetRequirements(to, facts);
  if (missing.length > 0) return { ok: false, reason: "GUARD", missing };
  return { ok: true, next: { status: to, heldFrom: null } };
}
