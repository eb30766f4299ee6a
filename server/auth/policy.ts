import { AssignmentStatus, CaseEventType, CaseStatus, Role } from "../common/enums.js";
import { isTerminal } from "../cases/workflow.js";
import type { Viewer } from "./viewer.js";

/**
 * Who may do what: DESIGN.md's role table as pure functions, no I/O. Services load
 * the facts, ask here, and answer NOT_FOUND for whatever is not visible.
 */

/** Who may call each root field at all; object-level checks follow in the services. */
export type OperationRule = "PUBLIC" | readonly Role[];

const ALL: readonly Role[] = [Role.ADMIN, Role.COORDINATOR, Role.REVIEWER, Role.PATIENT];
const STAFF: readonly Role[] = [Role.ADMIN, Role.COORDINATOR];

export const OPERATION_POLICY: Readonly<Record<string, OperationRule>> = {
  "Query.viewer": "PUBLIC",
  "Query.case": ALL,
  "Query.cases": ALL,
  "Query.patient": ALL,
  "Query.patients": STAFF,
  "Query.users": [Role.ADMIN],
  "Query.reviewers": STAFF,
  "Mutation.login": "PUBLIC",
  "Mutation.refreshSession": "PUBLIC",
  "Mutation.signOut": "PUBLIC",
  "Mutation.activateAccount": "PUBLIC",
  "Mutation.issueAccountInvitation": STAFF,
  "Mutation.changePassword": ALL,
  "Mutation.requestPasswordReset": "PUBLIC",
  "Mutation.resetPassword": "PUBLIC",
  "Mutation.createUser": [Role.ADMIN],
  "Mutation.updateReviewerProfile": [Role.ADMIN],
  "Mutation.createPatient": STAFF,
  "Mutation.updatePatient": STAFF,
  "Mutation.openCase": [Role.COORDINATOR],
  "Mutation.addMedicalRecord": [Role.COORDINATOR, Role.PATIENT],
  "Mutation.shareRecordWithReviewers": [Role.COORDINATOR],
  "Mutation.unshareRecord": [Role.COORDINATOR],
  "Mutation.updateMedicalRecord": [Role.COORDINATOR, Role.PATIENT],
  "Mutation.saveCaseSummary": [Role.COORDINATOR],
  "Mutation.publishCaseSummary": [Role.COORDINATOR],
  "Mutation.inviteReviewer": [Role.COORDINATOR],
  // Who invites may cancel an invitation.
  "Mutation.cancelInvitation": [Role.COORDINATOR],
  "Mutation.respondToInvitation": [Role.REVIEWER],
  "Mutation.submitReview": [Role.REVIEWER],
  "Mutation.addComment": [Role.COORDINATOR, Role.REVIEWER],
  "Mutation.withdrawComment": [Role.COORDINATOR, Role.REVIEWER],
  "Mutation.proposePathwayOption": [Role.COORDINATOR, Role.REVIEWER],
  "Mutation.setPathwayOptionStatus": [Role.COORDINATOR],
  // Coordinators, or the reviewer who proposed the option (the service narrows it).
  "Mutation.updatePathwayOption": [Role.COORDINATOR, Role.REVIEWER],
  "Mutation.transitionCase": [Role.COORDINATOR, Role.PATIENT],
  "Mutation.recordConsent": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
  "Mutation.revokeConsent": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
  "Mutation.exportPatientFile": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
  "Mutation.requestErasure": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
  "Mutation.placeLegalHold": [Role.ADMIN],
  "Mutation.liftLegalHold": [Role.ADMIN],
  "Subscription.caseStatusChanged": ALL,
  "Subscription.caseActivity": ALL,
};

export type OperationDecision = "ALLOW" | "UNAUTHENTICATED" | "FORBIDDEN";

/** Deny by default: a root field without an entry is refused. */
export function decideOperation(operation: string, viewer: Viewer | null): OperationDecision {
  // Own entries only: "constructor" or "__proto__" must not find Object.prototype's members.
  const rule = Object.prototype.hasOwnProperty.call(OPERATION_POLICY, operation) ? OPERATION_POLICY[operation] : undefined;
  if (rule === undefined) return viewer ? "FORBIDDEN" : "UNAUTHENTICATED";
  if (rule === "PUBLIC") return "ALLOW";
  if (!viewer) return "UNAUTHENTICATED";
  return rule.includes(viewer.role) ? "ALLOW" : "FORBIDDEN";
}

export const isStaff = (viewer: Viewer) => viewer.role === Role.ADMIN || viewer.role === Role.COORDINATOR;

/** How a viewer sees a patient's file (identity, consents, cases): staff see every one, a patient their own, reviewers none. */
export function patientFileView(viewer: Viewer | null, patientId: string): "STAFF" | "OWNER" | null {
  if (!viewer) return null;
  if (isStaff(viewer)) return "STAFF";
  return viewer.patientId === patientId ? "OWNER" : null;
}

/** An invitation that ended without a review (declined, or cancelled by staff): the reviewer sees nothing, and may be invited again. */
export const invitationEnded = (status: AssignmentStatus) => status === AssignmentStatus.DECLINED || status === AssignmentStatus.CANCELLED;

/** A reviewer's list of assignments is read by the reviewer and by staff. */
export const canSeeReviewerAssignments = (viewer: Viewer | null, reviewerId: string) => viewer !== null && (isStaff(viewer) || viewer.reviewerId === reviewerId);


/** What the policy needs to know about a case to decide a viewer's access to it. */
export interface CaseFacts {
  status: CaseStatus;
  heldFrom: CaseStatus | null;
  patientId: string;
  /** The viewer's own assignment on this case, when the viewer is a reviewer. */
  viewerAssignmentStatus: AssignmentStatus | null;
  /** Countries listed by the patient's active CROSS_BORDER_REVIEW consents. */
  consentCountries: readonly string[];
  /** An erased case (its patient's erasure, or retention) is seen by no one. */
  erased?: boolean;
}

/**
 * How a viewer sees a case. STAFF and OWNER see identities; reviewers never do:
 * REVIEWER_INVITED gets what is needed to decide, REVIEWER_FULL the whole de-identified case.
 */
export type CaseView = "STAFF" | "OWNER" | "REVIEWER_INVITED" | "REVIEWER_FULL";

export function consentCovers(consentCountries: readonly string[], country: string | null): boolean {
  return country !== null && consentCountries.includes(country);
}

export function caseView(viewer: Viewer, facts: CaseFacts): CaseView | null {
  if (facts.erased) return null;
  switch (viewer.role) {
    case Role.ADMIN:
    case Role.COORDINATOR:
      return "STAFF";
    case Role.PATIENT:
      return viewer.patientId !== null && viewer.patientId === facts.patientId ? "OWNER" : null;
    case Role.REVIEWER: {
      if (isTerminal(facts.status)) return null;
      if (!consentCovers(facts.consentCountries, viewer.reviewerCountry)) return null;
      switch (facts.viewerAssignmentStatus) {
        case AssignmentStatus.INVITED:
          return "REVIEWER_INVITED";
        case AssignmentStatus.ACCEPTED:
        case AssignmentStatus.SUBMITTED:
          return "REVIEWER_FULL";
        default:
          return null;
      }
    }
  }
}

const sees = (view: CaseView, ...allowed: CaseView[]) => allowed.includes(view);

/** Direct identifiers (the Patient, the patient's own words in `reason`). */
export const canSeeIdentity = (view: CaseView) => sees(view, "STAFF", "OWNER");

export function canSeeRecord(view: CaseView, record: { sharedWithReviewers: boolean }): boolean {
  return sees(view, "STAFF", "OWNER") || (view === "REVIEWER_FULL" && record.sharedWithReviewers);
}

export function canSeeSummary(view: CaseView, summary: { publishedAt: Date | null }): boolean {
  return view === "STAFF" || summary.publishedAt !== null;
}

export const canSeeComments = (view: CaseView) => sees(view, "STAFF", "REVIEWER_FULL");

/**
 * Patients see the options a delivery gave them (and keep them, a case withdrawn or
 * reopened afterwards included); nothing of option mapping before or between deliveries.
 */
export function canSeeOption(view: CaseView, option: { deliveredAt: Date | null }): boolean {
  if (sees(view, "STAFF", "REVIEWER_FULL")) return true;
  return view === "OWNER" && option.deliveredAt !== null;
}

/** An INVITED reviewer sees only their own invitation; patients see who reviews, not what they wrote. */
export function canSeeAssignment(view: CaseView, viewer: Viewer, assignment: { reviewerId: string; status: AssignmentStatus }): boolean {
  if (sees(view, "STAFF", "REVIEWER_FULL")) return true;
  if (view === "REVIEWER_INVITED") return assignment.reviewerId === viewer.reviewerId;
  return assignment.status === AssignmentStatus.ACCEPTED || assignment.status === AssignmentStatus.SUBMITTED;
}

/** A reviewer's opinion is read by staff and its author, and by fellow reviewers once they have submitted their own. */
export function canSeeOpinion(view: CaseView, viewer: Viewer, assignment: { reviewerId: string }, viewerSubmitted: boolean): boolean {
  if (view === "STAFF" || assignment.reviewerId === viewer.reviewerId) return true;
  return view === "REVIEWER_FULL" && viewerSubmitted;
}

const INVITED_EVENT_TYPES: readonly CaseEventType[] = [CaseEventType.CASE_OPENED, CaseEventType.STATUS_CHANGED, CaseEventType.SUMMARY_PUBLISHED, CaseEventType.REVIEWER_INVITED];

/** The review team's working events: a patient sees their results (delivered options), not their drafting. */
const TEAM_EVENT_TYPES: readonly CaseEventType[] = [
  CaseEventType.INVITATION_ANSWERED,
  CaseEventType.INVITATION_CANCELLED,
  CaseEventType.COMMENT_ADDED,
  CaseEventType.COMMENT_WITHDRAWN,
  CaseEventType.OPTION_PROPOSED,
  CaseEventType.OPTION_UPDATED,
];

const ALL_EVENT_TYPES = Object.values(CaseEventType);

/** The event types a view may see (so a page of events can be filtered before it is cut). */
export function visibleEventTypes(view: CaseView): readonly CaseEventType[] {
  if (view === "REVIEWER_INVITED") return INVITED_EVENT_TYPES;
  if (view === "OWNER") return ALL_EVENT_TYPES.filter((type) => !TEAM_EVENT_TYPES.includes(type));
  return ALL_EVENT_TYPES;
}

export function canSeeEvent(view: CaseView, event: { type: CaseEventType }): boolean {
  return visibleEventTypes(view).includes(event.type);
}

/** Who may move a case, and where: coordinators along every edge; the patient who owns it only to WITHDRAWN; nobody else. */
export function canMoveCase(viewer: Viewer, view: CaseView, to: CaseStatus): boolean {
  if (viewer.role === Role.COORDINATOR) return true;
  return view === "OWNER" && to === CaseStatus.WITHDRAWN;
}

/** Where a reviewer may write (comments, options): only with the whole case in view. */
export const canContribute = (view: CaseView) => view === "STAFF" || view === "REVIEWER_FULL";

/** An age band such as 60-69, computed at opening: what reviewers get instead of a date of birth. */
export function ageBand(dateOfBirth: string, on: Date): string {
  const [year, month, day] = dateOfBirth.split("-").map(Number);
  let age = on.getUTCFullYear() - year;
  if (on.getUTCMonth() + 1 < month || (on.getUTCMonth() + 1 === month && on.getUTCDate() < day)) age -= 1;
  if (age >= 90) return "90+";
  const low = Math.floor(Math.max(age, 0) / 10) * 10;
  return `${low}-${low + 9}`;
}
