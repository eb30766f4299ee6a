import DataLoader from "dataloader";
import { In, IsNull, type DataSource, type EntityTarget, type ObjectLiteral } from "typeorm";
import type { Viewer } from "./auth/viewer.js";
import { CaseEntity } from "./cases/case.entity.js";
import { loadGuardFactsOf } from "./cases/case-guards.js";
import type { GuardFacts } from "./cases/workflow.js";
import { CaseSummaryEntity } from "./summaries/case-summary.entity.js";
import { CommentEntity } from "./comments/comment.entity.js";
import { ConsentEntity } from "./consents/consent.entity.js";
import { ConsentScope } from "./common/enums.js";
import { MedicalRecordEntity } from "./records/medical-record.entity.js";
import { PathwayOptionEntity } from "./options/pathway-option.entity.js";
import { PatientEntity } from "./patients/patient.entity.js";
import { ReviewAssignmentEntity } from "./reviews/review-assignment.entity.js";
import { ReviewerEntity } from "./reviewers/reviewer.entity.js";
import { UserEntity } from "./users/user.entity.js";
import { pagedChildren } from "./common/paging.js";

type Row = ObjectLiteral;

function byKey<T extends Row>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string): DataLoader<string, T | undefined> {
  return new DataLoader(async (keys) => {
    const rows = await db.getRepository(entity).find({ where: { [column]: In([...keys]) } as never });
    const found = new Map(rows.map((row) => [row[column] as string, row]));
    return keys.map((key) => found.get(key));
  });
}

function manyByKey<T extends Row>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string, order: Partial<Record<keyof T, "ASC" | "DESC">>): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const rows = await db.getRepository(entity).find({ where: { [column]: In([...keys]) } as never, order: order as never });
    const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of rows) grouped.get(row[column] as string)?.push(row);
    return keys.map((key) => grouped.get(key)!);
  });
}

/**
 * Reviewers with their account joined: every place that shows a reviewer shows their name, which
 * would otherwise cost a second statement (and a second round trip) after this one.
 */
function reviewersBy(db: DataSource, column: "id" | "userId", users: DataLoader<string, UserEntity | undefined>): DataLoader<string, ReviewerEntity | undefined> {
  return new DataLoader(async (keys) => {
    const rows = await db.getRepository(ReviewerEntity).find({ where: { [column]: In([...keys]) }, relations: { user: true } });
    for (const row of rows) if (row.user) users.prime(row.user.id, row.user);
    const found = new Map(rows.map((row) => [row[column], row]));
    return keys.map((key) => found.get(key));
  });
}

/**
 * One set of loaders per request (HTTP) or per operation (WebSocket): they batch
 * and cache for that unit of work only, so nothing stale outlives it.
 */
export function createLoaders(db: DataSource, viewer: Viewer | null) {
  const user = byKey(db, UserEntity, "id");
  return {
    user,
    patient: byKey(db, PatientEntity, "id"),
    patientByUser: byKey(db, PatientEntity, "userId"),
    reviewer: reviewersBy(db, "id", user),
    reviewerByUser: reviewersBy(db, "userId", user),
    case: byKey(db, CaseEntity, "id"),
    summary: byKey(db, CaseSummaryEntity, "id"),
    summariesByCase: manyByKey(db, CaseSummaryEntity, "caseId", { language: "ASC", version: "ASC" }),
    /** Records whose bytes have arrived (what the CASE_ORGANISATION guard counts), per case: all of them, and those shared with reviewers. */
    recordCountByCase: new DataLoader<string, { all: number; shared: number }>(async (caseIds) => {
      const rows: Array<{ case_id: string; count: string; shared: string }> = await db.query(
        `SELECT case_id, count(*) AS count, count(*) FILTER (WHERE shared_with_reviewers) AS shared FROM medical_record WHERE case_id = ANY($1::uuid[]) AND uploaded_at IS NOT NULL GROUP BY case_id`,
        [[...caseIds]],
      );
      const counts = new Map(rows.map((r) => [r.case_id, { all: Number(r.count), shared: Number(r.shared) }]));
      return caseIds.map((id) => counts.get(id) ?? { all: 0, shared: 0 });
    }),
    assignmentsByCase: manyByKey(db, ReviewAssignmentEntity, "caseId", { invitedAt: "ASC" }),
    /** The viewing reviewer's own assignment per case (what their access depends on). */
    viewerAssignmentByCase: new DataLoader<string, ReviewAssignmentEntity | undefined>(async (caseIds) => {
      if (!viewer?.reviewerId) return caseIds.map(() => undefined);
      const rows = await db.getRepository(ReviewAssignmentEntity).find({ where: { reviewerId: viewer.reviewerId, caseId: In([...caseIds]) } });
      const found = new Map(rows.map((row) => [row.caseId, row]));
      return caseIds.map((id) => found.get(id));
    }),
    /** What the workflow's guards look at, per case (Case.allowedTransitions). */
    guardFacts: new DataLoader<string, GuardFacts | undefined>(async (caseIds) => {
      const facts = await loadGuardFactsOf(db.manager, caseIds);
      return caseIds.map((id) => facts.get(id));
    }),
    comment: byKey(db, CommentEntity, "id"),
    record: byKey(db, MedicalRecordEntity, "id"),
    /** Pages of the lists that grow with use, cut to the page in SQL (server/common/paging.ts). */
    commentPages: pagedChildren(db, CommentEntity, { table: "comment", parentColumn: "case_id", order: ["created_at"] }),
    recordPages: pagedChildren(db, MedicalRecordEntity, { table: "medical_record", parentColumn: "case_id", order: ["received_at"] }),
    optionPages: pagedChildren(db, PathwayOptionEntity, { table: "pathway_option", parentColumn: "case_id", order: ["created_at"] }),
    assignmentPages: pagedChildren(db, ReviewAssignmentEntity, { table: "review_assignment", parentColumn: "case_id", order: ["invited_at"] }),
    summaryPages: pagedChildren(db, CaseSummaryEntity, { table: "case_summary", parentColumn: "case_id", order: ["language", "version"] }),
    casePagesByPatient: pagedChildren(db, CaseEntity, { table: "medical_case", parentColumn: "patient_id", order: ["opened_at"], descending: true }),
    consentPages: pagedChildren(db, ConsentEntity, { table: "consent", parentColumn: "patient_id", order: ["granted_at"], descending: true }),
    reviewerAssignmentPages: pagedChildren(db, ReviewAssignmentEntity, { table: "review_assignment", parentColumn: "reviewer_id", order: ["invited_at"], descending: true }),
    /** Countries covered by a patient's active cross-border consents. */
    consentCountriesByPatient: new DataLoader<string, string[]>(async (patientIds) => {
      const rows = await db.getRepository(ConsentEntity).find({
        where: { patientId: In([...patientIds]), revokedAt: IsNull(), scope: ConsentScope.CROSS_BORDER_REVIEW },
      });
      const countries = new Map<string, Set<string>>(patientIds.map((id) => [id, new Set()]));
      for (const row of rows) for (const country of row.destinationCountries) countries.get(row.patientId)?.add(country);
      return patientIds.map((id) => [...countries.get(id)!]);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
