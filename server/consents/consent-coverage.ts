import type { EntityManager } from "typeorm";

/** Countries listed by a patient's active CROSS_BORDER_REVIEW consents. */
export async function activeConsentCountries(manager: EntityManager, patientId: string): Promise<string[]> {
  const rows: Array<{ country: string }> = await manager.query(
    `SELECT DISTINCT unnest(destination_countries) AS country FROM consent
      WHERE patient_id = $1 AND revoked_at IS NULL AND scope = 'CROSS_BORDER_REVIEW'`,
    [patientId],
  );
  return rows.map((r) => r.country);
}
