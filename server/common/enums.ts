import { registerEnumType } from "type-graphql";

/** The enums of the contract, as TypeScript enums whose values are their names. */
export enum Role { ADMIN = "ADMIN", COORDINATOR = "COORDINATOR", REVIEWER = "REVIEWER", PATIENT = "PATIENT" }

export enum CaseStatus {
  RECORDS_COLLECTION = "RECORDS_COLLECTION",
  CASE_ORGANISATION = "CASE_ORGANISATION",
  TRANSLATION = "TRANSLATION",
  PATHWAY_ASSESSMENT = "PATHWAY_ASSESSMENT",
  OPTION_MAPPING = "OPTION_MAPPING",
  OPTIONS_DELIVERED = "OPTIONS_DELIVERED",
  CLOSED = "CLOSED",
  ON_HOLD = "ON_HOLD",
  WITHDRAWN = "WITHDRAWN",
}

export enum Language { EN = "EN", ZH = "ZH" }

export enum RecordKind {
  PATHOLOGY_REPORT = "PATHOLOGY_REPORT",
  IMAGING_REPORT = "IMAGING_REPORT",
  LAB_RESULT = "LAB_RESULT",
  GENETIC_TEST = "GENETIC_TEST",
  CLINICAL_NOTE = "CLINICAL_NOTE",
  DISCHARGE_SUMMARY = "DISCHARGE_SUMMARY",
  TREATMENT_HISTORY = "TREATMENT_HISTORY",
  OTHER = "OTHER",
}

export enum SummarySection {
  PRIMARY_CANCER = "PRIMARY_CANCER",
  HISTOLOGY = "HISTOLOGY",
  STAGE = "STAGE",
  BIOMARKERS = "BIOMARKERS",
  PERFORMANCE_STATUS = "PERFORMANCE_STATUS",
  TREATMENT_HISTORY = "TREATMENT_HISTORY",
  CURRENT_PLAN = "CURRENT_PLAN",
  QUESTIONS = "QUESTIONS",
  GENERAL = "GENERAL",
}

/** CANCELLED: staff withdrew an invitation before it was answered; like DECLINED, the reviewer sees nothing of the case. */
export enum AssignmentStatus { INVITED = "INVITED", ACCEPTED = "ACCEPTED", DECLINED = "DECLINED", SUBMITTED = "SUBMITTED", CANCELLED = "CANCELLED" }

export enum PathwayKind {
  CONFIRM_CURRENT_PLAN = "CONFIRM_CURRENT_PLAN",
  ALTERNATIVE_TREATMENT = "ALTERNATIVE_TREATMENT",
  CLINICAL_TRIAL = "CLINICAL_TRIAL",
  FURTHER_DIAGNOSTICS = "FURTHER_DIAGNOSTICS",
  SPECIALIST_CONSULTATION = "SPECIALIST_CONSULTATION",
  TREATMENT_ABROAD = "TREATMENT_ABROAD",
}

export enum OptionStatus { PROPOSED = "PROPOSED", SELECTED_FOR_PRESENTATION = "SELECTED_FOR_PRESENTATION", SET_ASIDE = "SET_ASIDE" }

export enum Complexity { LOW = "LOW", MEDIUM = "MEDIUM", HIGH = "HIGH" }

/** What a forward step of the workflow requires (TRANSITION_NOT_ALLOWED's extensions.missing, Case.allowedTransitions). */
export enum TransitionRequirement {
  MEDICAL_RECORD = "MEDICAL_RECORD",
  PUBLISHED_SUMMARY = "PUBLISHED_SUMMARY",
  PUBLISHED_TRANSLATION = "PUBLISHED_TRANSLATION",
  ACTIVE_CONSENT = "ACTIVE_CONSENT",
  ACCEPTED_REVIEWER = "ACCEPTED_REVIEWER",
  SUBMITTED_REVIEW = "SUBMITTED_REVIEW",
  OPTION_FOR_PRESENTATION = "OPTION_FOR_PRESENTATION",
}

export enum ConsentScope { CROSS_BORDER_REVIEW = "CROSS_BORDER_REVIEW" }

export enum CaseEventType {
  CASE_OPENED = "CASE_OPENED",
  STATUS_CHANGED = "STATUS_CHANGED",
  RECORD_ADDED = "RECORD_ADDED",
  RECORD_UPLOADED = "RECORD_UPLOADED",
  RECORD_SHARED = "RECORD_SHARED",
  RECORD_UPDATED = "RECORD_UPDATED",
  RECORD_UNSHARED = "RECORD_UNSHARED",
  SUMMARY_PUBLISHED = "SUMMARY_PUBLISHED",
  REVIEWER_INVITED = "REVIEWER_INVITED",
  INVITATION_ANSWERED = "INVITATION_ANSWERED",
  INVITATION_CANCELLED = "INVITATION_CANCELLED",
  REVIEW_SUBMITTED = "REVIEW_SUBMITTED",
  COMMENT_ADDED = "COMMENT_ADDED",
  COMMENT_WITHDRAWN = "COMMENT_WITHDRAWN",
  OPTION_PROPOSED = "OPTION_PROPOSED",
  OPTION_UPDATED = "OPTION_UPDATED",
  CONSENT_GRANTED = "CONSENT_GRANTED",
  CONSENT_REVOKED = "CONSENT_REVOKED",
}

/** What an entry of a patient's access log says happened to their file (server/audit/access-log.ts). */
export enum AccessKind {
  VIEWED_FILE = "VIEWED_FILE",
  DOWNLOADED_DOCUMENT = "DOWNLOADED_DOCUMENT",
  CREATED_FILE = "CREATED_FILE",
  CHANGED_DETAILS = "CHANGED_DETAILS",
  STARTED_CASE = "STARTED_CASE",
  MOVED_CASE = "MOVED_CASE",
  ADDED_RECORD = "ADDED_RECORD",
  UPLOADED_DOCUMENT = "UPLOADED_DOCUMENT",
  SHARED_RECORD = "SHARED_RECORD",
  CHANGED_RECORD = "CHANGED_RECORD",
  UNSHARED_RECORD = "UNSHARED_RECORD",
  CHANGED_SUMMARY = "CHANGED_SUMMARY",
  INVITED_REVIEWER = "INVITED_REVIEWER",
  SUBMITTED_OPINION = "SUBMITTED_OPINION",
  RECORDED_CONSENT = "RECORDED_CONSENT",
  REVOKED_CONSENT = "REVOKED_CONSENT",
  EXPORTED_FILE = "EXPORTED_FILE",
  DOWNLOADED_FILE = "DOWNLOADED_FILE",
  REQUESTED_ERASURE = "REQUESTED_ERASURE",
}

registerEnumType(Role, { name: "Role" });
registerEnumType(CaseStatus, { name: "CaseStatus" });
registerEnumType(Language, { name: "Language" });
registerEnumType(RecordKind, { name: "RecordKind" });
registerEnumType(SummarySection, { name: "SummarySection" });
registerEnumType(AssignmentStatus, { name: "AssignmentStatus" });
registerEnumType(PathwayKind, { name: "PathwayKind" });
registerEnumType(OptionStatus, { name: "OptionStatus" });
registerEnumType(Complexity, { name: "Complexity" });
registerEnumType(ConsentScope, { name: "ConsentScope" });
registerEnumType(TransitionRequirement, { name: "TransitionRequirement" });
registerEnumType(CaseEventType, { name: "CaseEventType" });
registerEnumType(AccessKind, { name: "AccessKind", description: "What an access log entry says happened to the patient's file; stable, for clients that word it themselves." });

export const values = <T extends object>(e: T): string[] => Object.values(e) as string[];
