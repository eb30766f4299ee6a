import type { DataSource } from "typeorm";
import { caseView, isStaff, type CaseFacts, type CaseView } from "../auth/policy.js";
import type { Viewer } from "../auth/viewer.js";
import type { AssignmentStatus } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import type { CaseEventEntity } from "./case-event.entity.js";

/** What authorization needs about the cases of a batch, loaded once for every subscriber. */
export interface BatchFacts {
  cases: Map<string, CaseEntity>;
  assignments: Map<string, Map<string, AssignmentStatus>>;
  consentCountries: Map<string, string[]>;
}

/** The cases of a batch, their reviewers' assignments and their patients' consent countries, in three queries. */
export async function loadBatchFacts(db: DataSource, events: CaseEventEntity[]): Promise<BatchFacts> {
  const caseIds = [...new Set(events.map((e) => e.caseId))];
  const cases = await db.getRepository(CaseEntity).createQueryBuilder("c").where("c.id = ANY(:caseIds)", { caseIds }).getMany();
  const patientIds = [...new Set(cases.map((c) => c.patientId))];
  const [assignmentRows, consentRows] = await Promise.all([
    db.query(`SELECT case_id, reviewer_id, status FROM review_assignment WHERE case_id = ANY($1::uuid[])`, [caseIds]) as Promise<Array<{ case_id: string; reviewer_id: string; status: AssignmentStatus }>>,
    db.query(
      `SELECT patient_id, array_agg(DISTINCT country) AS countries FROM consent, unnest(destination_countries) AS country
        WHERE patient_id = ANY($1::uuid[]) AND revoked_at IS NULL AND scope = 'CROSS_BORDER_REVIEW' GROUP BY patient_id`,
      [patientIds],
    ) as Promise<Array<{ patient_id: string; countries: string[] }>>,
  ]);
  const assignments = new Map<string, Map<string, AssignmentStatus>>();
  for (const row of assignmentRows) {
    const perCase = assignments.get(row.case_id) ?? new Map();
    perCase.set(row.reviewer_id, row.status);
    assignments.set(row.case_id, perCase);
  }
  return {
    cases: new Map(cases.map((c) => [c.id, c])),
    assignments,
    consentCountries: new Map(consentRows.map((r) => [r.patient_id, r.countries])),
  };
}

/** The viewer's view of a case of the batch, from the facts loaded once: no query per subscriber. */
export function viewInBatch(viewer: Viewer, row: CaseEntity, facts: BatchFacts): CaseView | null {
  if (row.erasedAt) return null;
  // Staff see every (unerased) case whatever the facts: no need to gather them.
  if (isStaff(viewer)) return "STAFF";
  const caseFacts: CaseFacts = {
    status: row.status,
    heldFrom: row.heldFrom,
    patientId: row.patientId,
    viewerAssignmentStatus: viewer.reviewerId ? (facts.assignments.get(row.id)?.get(viewer.reviewerId) ?? null) : null,
    consentCountries: facts.consentCountries.get(row.patientId) ?? [],
  };
  return caseView(viewer, caseFacts);
}
