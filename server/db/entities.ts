import { AppSecretEntity } from "./app-secret.entity.js";
import { AuditEntryEntity } from "../audit/audit-entry.entity.js";
import { AuthSessionEntity } from "../auth/auth-session.entity.js";
import { CaseEntity } from "../cases/case.entity.js";
import { CaseEventEntity } from "../events/case-event.entity.js";
import { CaseSummaryEntity } from "../summaries/case-summary.entity.js";
import { CommentEntity } from "../comments/comment.entity.js";
import { ConsentEntity } from "../consents/consent.entity.js";
import { DocumentChunkEntity } from "../records/document-chunk.entity.js";
import { MedicalRecordEntity } from "../records/medical-record.entity.js";
import { PathwayOptionEntity } from "../options/pathway-option.entity.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { ReviewAssignmentEntity } from "../reviews/review-assignment.entity.js";
import { ReviewerEntity } from "../reviewers/reviewer.entity.js";
import { AccountInvitationEntity } from "../users/account-invitation.entity.js";
import { UsedUrlTokenEntity } from "../records/used-url-token.entity.js";
import { UserEntity } from "../users/user.entity.js";

export const entities = [
  AppSecretEntity,
  AuditEntryEntity,
  AuthSessionEntity,
  AccountInvitationEntity,
  CaseEntity,
  CaseEventEntity,
  CaseSummaryEntity,
  CommentEntity,
  ConsentEntity,
  DocumentChunkEntity,
  MedicalRecordEntity,
  PathwayOptionEntity,
  PatientEntity,
  ReviewAssignmentEntity,
  ReviewerEntity,
  UsedUrlTokenEntity,
  UserEntity,
];
