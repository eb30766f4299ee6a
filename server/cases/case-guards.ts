import type { EntityManager } from "typeorm";
import type { GuardFacts } from "./workflow.js";

/**
 * Reads everything the workflow's guards look at, in one statement, on the
 * transaction that holds the case's lock.
 */
export async function loadGuardFacts(manager: EntityManager, caseId: string, patientId: string): Promise<GuardFacts> {
  const [row] = await manager.query(
    `WITH source AS (
       SELECT id, language FROM case_summary
        WHERE case_id = $1 AND translation_of_id IS NULL AND published_at IS NOT NULL
        ORDER BY published_at DESC, version DESC LIMIT 1
     ), accepted AS (
       SELECT r.country, r.languages FROM review_assignment a JOIN reviewer r ON r.id = a.reviewer_id
        WHERE a.case_id = $1 AND a.status IN ('ACCEPTED', 'SUBMITTED')
     ), covered AS (
       SELECT DISTINCT unnest(destination_countries) AS country FROM consent
        WHERE patient_id = $2 AND revoked_at IS NULL AND scope = 'CROSS_BORDER_REVIEW'
     )
     SELECT
       (SELECT count(*) FROM medical_record WHERE case_id = $1 AND uploaded_at IS NOT NULL)::int AS record_count,
       EXISTS (SELECT 1 FROM source) AS has_published_summary,
       EXISTS (SELECT 1 FROM source) AND (
         EXISTS (SELECT 1 FROM case_summary t, source s WHERE t.translation_of_id = s.id AND t.published_at IS NOT NULL)
         OR ((SELECT count(*) FROM accepted) > 0 AND NOT EXISTS (SELECT 1 FROM accepted a, source s WHERE NOT s.language = ANY(a.languages)))
       ) AS translation_ready,
       CASE WHEN (SELECT count(*) FROM accepted) = 0 THEN EXISTS (SELECT 1 FROM covered)
            ELSE NOT EXISTS (SELECT 1 FROM accepted a WHERE a.country NOT IN (SELECT country FROM covered)) END AS consent_covers,
       (SELECT count(*) FROM accepted)::int AS accepted_count,
       (SELECT count(*) FROM review_assignment WHERE case_id = $1 AND status = 'SUBMITTED')::int AS submitted_count,
       (SELECT count(*) FROM pathway_option WHERE case_id = $1 AND status = 'SELECTED_FOR_PRESENTATION')::int AS presented_count`,
    [caseId, patientId],
  );
  return {
    recordCount: row.record_count,
    hasPublishedSummary: row.has_published_summary,
    translationReady: row.translation_ready,
    consentCoversAcceptedReviewers: row.consent_covers,
    acceptedReviewerCount: row.accepted_count,
    submittedReviewCount: row.submitted_count,
    optionsForPresentationCount: row.presented_count,
  };
}
