import DataLoader from "dataloader";
import type { DataSource, EntityTarget, ObjectLiteral } from "typeorm";
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
import { entityColumns, queryRows } from "./db/rows.js";

type Row = ObjectLiteral;

/** Rows of `entity` whose uuid `column` is one of the keys, as plain reads (db/rows.ts). */
function rowsByKeys<T extends Row>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string, orderBy = ""): (keys: readonly string[]) => Promise<T[]> {
  return async (keys) => {
    const x = entityColumns(db, entity, "x");
    const metadata = db.getMetadata(entity);
    const databaseName = metadata.findColumnWithPropertyName(column)!.databaseName;
    const rows = await queryRows(db, `SELECT ${x.select} FROM ${x.table} x WHERE x.${databaseName} = ANY($1::uuid[])${orderBy ? ` ORDER BY ${orderBy}` : ""}`, [keys]);
    return rows.map(x.from);
  };
}

function byKey<T extends Row>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string): DataLoader<string, T | undefined> {
  const read = rowsByKeys(db, entity, column);
  return new DataLoader(async (keys) => {
    const found = new Map((await read(keys)).map((row) => [row[column] as string, row]));
    return keys.map((key) => found.get(key));
  });
}

/** `orderBy`: SQL over the row `x`. */
function manyByKey<T extends Row>(db: DataSource, entity: EntityTarget<T>, column: keyof T & string, orderBy: string): DataLoader<string, T[]> {
  const read = rowsByKeys(db, entity, column, orderBy);
  return new DataLoader(async (keys) => {
    const grouped = new Map<string, T[]>(keys.map((key) => [key, []]));
    for (const row of await read(keys)) grouped.get(row[column] as string)?.push(row);
    return keys.map((key) => grouped.get(key)!);
  });
}

/** A reviewer with their account (a row read with `reviewerColumns`), the account primed into the user loader. */
export function reviewerWithUser(db: DataSource, users: DataLoader<string, UserEntity | undefined>, row: Record<string, unknown>): ReviewerEntity {
  const reviewer = entityColumns(db, ReviewerEntity, "r", "r_").from(row);
  const user = entityColumns(db, UserEntity, "u", "u_").from(row);
  reviewer.user = user;
  users.prime(user.id, user);
  return reviewer;
}

/** The columns of a reviewer (r) and their account (u) for reviewerWithUser. */
export const reviewerColumns = (db: DataSource) => `${entityColumns(db, ReviewerEntity, "r", "r_").select}, ${entityColumns(db, UserEntity, "u", "u_").select}`;

/**
 * Reviewers with their account joined: every place that shows a reviewer shows their name, which
 * would otherwise cost a second statement (and a second round trip) after this one.
 */
function reviewersBy(db: DataSource, column: "id" | "user_id", users: DataLoader<string, UserEntity | undefined>): DataLoader<string, ReviewerEntity | undefined> {
  return new DataLoader(async (keys) => {
    const rows = await queryRows(db, `SELECT ${reviewerColumns(db)} FROM reviewer r JOIN app_user u ON u.id = r.user_id WHERE r.${column} = ANY($1::uuid[])`, [keys]);
    const found = new Map(rows.map((row) => reviewerWithUser(db, users, row)).map((reviewer) => [column === "id" ? reviewer.id : reviewer.userId, reviewer]));
    return keys.map((key) => found.get(key));
  });
}

/**
 * One set of loaders per request (HTTP) or per operation (WebSocket): they batch
 * and cache for that unit of work only, so nothing stale outlives it.
 */
export function createLoaders(db: DataSource, viewer: Viewer | null) {
  const user = byKey(db, UserEntity, "id");
  const reviewer = reviewersBy(db, "id", user);
  return {
    user,
    patient: byKey(db, PatientEntity, "id"),
    patientByUser: byKey(db, PatientEntity, "userId"),
    reviewer,
    reviewerByUser: reviewersBy(db, "user_id", user),
    case: byKey(db, CaseEntity, "id"),
    summary: byKey(db, CaseSummaryEntity, "id"),
    summariesByCase: manyByKey(db, CaseSummaryEntity, "caseId", "x.language, x.version"),
    /** Records whose bytes have arrived (what the CASE_ORGANISATION guard counts), per case: all of them, and those shared with reviewers. */
    recordCountByCase: new DataLoader<string, { all: number; shared: number }>(async (caseIds) => {
      const rows = await queryRows<{ case_id: string; count: number; shared: number }>(
        db,
        `SELECT case_id, count(*)::int AS count, (count(*) FILTER (WHERE shared_with_reviewers))::int AS shared FROM medical_record WHERE case_id = ANY($1::uuid[]) AND uploaded_at IS NOT NULL GROUP BY case_id`,
        [caseIds],
      );
      const counts = new Map(rows.map((r) => [r.case_id, { all: Number(r.count), shared: Number(r.shared) }]));
      return caseIds.map((id) => counts.get(id) ?? { all: 0, shared: 0 });
    }),
    assignmentsByCase: manyByKey(db, ReviewAssignmentEntity, "caseId", "x.invited_at"),
    /** The viewing reviewer's own assignment per case (what their access depends on). */
    viewerAssignmentByCase: new DataLoader<string, ReviewAssignmentEntity | undefined>(async (caseIds) => {
      if (!viewer?.reviewerId) return caseIds.map(() => undefined);
      const x = entityColumns(db, ReviewAssignmentEntity, "x");
      const rows = (await queryRows(db, `SELECT ${x.select} FROM review_assignment x WHERE x.reviewer_id = $1 AND x.case_id = ANY($2::uuid[])`, [viewer.reviewerId, caseIds])).map(x.from);
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
    /** Each assignment's reviewer (with their name) read along and primed: every list of assignments shows who. */
    assignmentPages: pagedChildren(
      db,
      ReviewAssignmentEntity,
      { table: "review_assignment", parentColumn: "case_id", order: ["invited_at"] },
      {
        columns: reviewerColumns(db),
        from: "reviewer r JOIN app_user u ON u.id = r.user_id",
        on: "r.id = x.reviewer_id",
        attach: (row, raw) => void reviewer.prime(row.reviewerId, reviewerWithUser(db, user, raw)),
      },
    ),
    summaryPages: pagedChildren(db, CaseSummaryEntity, { table: "case_summary", parentColumn: "case_id", order: ["language", "version"] }),
    casePagesByPatient: pagedChildren(db, CaseEntity, { table: "medical_case", parentColumn: "patient_id", order: ["opened_at"], descending: true }),
    consentPages: pagedChildren(db, ConsentEntity, { table: "consent", parentColumn: "patient_id", order: ["granted_at"], descending: true }),
    reviewerAssignmentPages: pagedChildren(db, ReviewAssignmentEntity, { table: "review_assignment", parentColumn: "reviewer_id", order: ["invited_at"], descending: true }),
    /** Countries covered by a patient's active cross-border consents. */
    consentCountriesByPatient: new DataLoader<string, string[]>(async (patientIds) => {
      const rows = await queryRows<{ patient_id: string; countries: string[] }>(
        db,
        `SELECT patient_id, destination_countries AS countries FROM consent WHERE patient_id = ANY($1::uuid[]) AND revoked_at IS NULL AND scope = $2`,
        [patientIds, ConsentScope.CROSS_BORDER_REVIEW],
      );
      const countries = new Map<string, Set<string>>(patientIds.map((id) => [id, new Set()]));
      for (const row of rows) for (const country of row.countries) countries.get(row.patient_id)?.add(country);
      return patientIds.map((id) => [...countries.get(id)!]);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
