import type { EntityManager } from "typeorm";
import type { GuardFacts } from "./workflow.js";

/**
 * Reads everything the workflow's guards look at, for many cases in one statement: through
 * the request's loader for Case.allowedTransitions, and on the transaction that holds the
 * case's lock for transitionCase. One query, so both see the same facts the same way.
 */
export async function loadGuardFactsOf(manager: EntityManager, caseIds: readonly string[]): Promise<Map<string, GuardFacts>> {
  const rows: Array<Record<string, unknown>> = await manager.query(
    `WITH c AS (
       SELECT id AS case_id, patient_id FROM medical_case WHERE id = ANY($1::uuid[])
     ), source AS (
       SELECT DISTINCT ON (s.case_id) s.case_id, s.id, s.language FROM case_summary s
        WHERE s.case_id = ANY($1::uuid[]) AND s.translation_of_id IS NULL AND s.published_at IS NOT NULL
        ORDER BY s.case_id, s.published_at DESC, s.version DESC
     ), accepted AS (
       SELECT a.case_id, r.country, r.languages FROM review_assignment a JOIN reviewer r ON r.id = a.reviewer_id
        WHERE a.case_id = ANY($1::uuid[]) AND a.status IN ('ACCEPTED', 'SUBMITTED')
     ), covered AS (
       SELECT DISTINCT k.patient_id, unnest(k.destination_countries) AS country FROM consent k
        WHERE k.patient_id IN (SELECT patient_id FROM c) AND k.revoked_at IS NULL AND k.scope = 'CROSS_BORDER_REVIEW'
     )
     SELECT
       c.case_id,
       (SELECT count(*) FROM medical_record m WHERE m.case_id = c.case_id AND m.uploaded_at IS NOT NULL)::int AS record_count,
       EXISTS (SELECT 1 FROM source s WHERE s.case_id = c.case_id) AS has_published_summary,
       EXISTS (SELECT 1 FROM source s WHERE s.case_id = c.case_id) AND (
         EXISTS (SELECT 1 FROM case_summary t JOIN source s ON t.translation_of_id = s.id WHERE s.case_id = c.case_id AND t.published_at IS NOT NULL)
         OR (EXISTS (SELECT 1 FROM accepted a WHERE a.case_id = c.case_id)
             AND NOT EXISTS (SELECT 1 FROM accepted a JOIN source s ON s.case_id = a.case_id WHERE a.case_id = c.case_id AND NOT s.language = ANY(a.languages)))
       ) AS translation_ready,
       CASE WHEN NOT EXISTS (SELECT 1 FROM accepted a WHERE a.case_id = c.case_id) THEN EXISTS (SELECT 1 FROM covered k WHERE k.patient_id = c.patient_id)
            ELSE NOT EXISTS (SELECT 1 FROM accepted a WHERE a.case_id = c.case_id
                              AND a.country NOT IN (SELECT k.country FROM covered k WHERE k.patient_id = c.patient_id)) END AS consent_covers,
       (SELECT count(*) FROM accepted a WHERE a.case_id = c.case_id)::int AS accepted_count,
       (SELECT count(*) FROM review_assignment a WHERE a.case_id = c.case_id AND a.status = 'SUBMITTED')::int AS submitted_count,
       (SELECT count(*) FROM pathway_option o WHERE o.case_id = c.case_id AND o.status = 'SELECTED_FOR_PRESENTATION')::int AS presented_count
     FROM c`,
    [[...caseIds]],
  );
  return new Map(
    rows.map((row) => [
      row.case_id as string,
      {
        recordCount: row.record_count as number,
        hasPublishedSummary: row.has_published_summary as boolean,
        translationReady: row.translation_ready as boolean,
        consentCoversAcceptedReviewers: row.consent_covers as boolean,
        acceptedReviewerCount: row.accepted_count as number,
        submittedReviewCount: row.submitted_count as number,
        optionsForPresentationCount: row.presented_count as number,
      },
    ]),
  );
}

/** One case's guard facts (it must exist). */
export async function loadGuardFacts(manager: EntityManager, caseId: string): Promise<GuardFacts> {
  const facts = (await loadGuardFactsOf(manager, [caseId])).get(caseId);
  if (!facts) throw new Error("loadGuardFacts: no such case");
  return facts;
}
