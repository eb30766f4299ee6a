import crypto from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { seal, type KeyRing } from "../../server/auth/field-crypto";
import { searchTextOf } from "../../server/common/search";

type Db = DataSource | EntityManager;

/**
 * Bulk test data written with plain SQL (no API, no argon2): for tests that need many
 * rows or a database without a running server. Sealed fields use the given key ring
 * so the server can open them; without one they hold a placeholder.
 */

const tag = () => crypto.randomBytes(4).toString("hex");

export async function insertUser(db: Db, role: string, displayName: string): Promise<string> {
  const email = `${role.toLowerCase()}.${tag()}@seed.meridian`;
  const [row] = await db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ($1, $2, $3, $4) RETURNING id`, [
    email,
    role,
    displayName,
    searchTextOf(displayName, email),
  ]);
  return row.id;
}

export async function insertReviewer(db: Db, displayName: string, institution: string, country = "CN"): Promise<{ userId: string; reviewerId: string }> {
  const userId = await insertUser(db, "REVIEWER", displayName);
  const [row] = await db.query(
    `INSERT INTO reviewer (user_id, institution, country, specialties, languages) VALUES ($1, $2, $3, '{Oncology}', '{EN}') RETURNING id`,
    [userId, institution, country],
  );
  return { userId, reviewerId: row.id };
}

export async function insertPatient(db: Db, fullName: string, keyRing?: KeyRing): Promise<string> {
  const userId = await insertUser(db, "PATIENT", fullName);
  const dob = keyRing ? seal(keyRing, "1960-05-17") : "unsealed";
  const [row] = await db.query(
    `INSERT INTO patient (user_id, full_name, date_of_birth_enc, preferred_language, search_text) VALUES ($1, $2, $3, 'EN', $4) RETURNING id`,
    [userId, fullName, dob, searchTextOf(fullName)],
  );
  return row.id;
}

export async function insertCase(db: Db, patientId: string, openedByUserId: string, status = "RECORDS_COLLECTION"): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO medical_case (reference, patient_id, status, status_since, reason, opened_by_user_id, updated_at, version)
     VALUES ('SEED-' || nextval('medical_case_reference_seq'), $1, $2, now(), 'Seeded case', $3, now(), 0) RETURNING id`,
    [patientId, status, openedByUserId],
  );
  return row.id;
}

export interface SeedCasesOptions {
  count: number;
  coordinatorUserId: string;
  reviewerIds: string[];
  assignmentsPerCase: number;
  recordsPerCase: number;
  keyRing?: KeyRing;
}

/** `count` cases, each with its own patient, assignments to distinct reviewers (round robin) and records. */
export async function seedCases(db: Db, options: SeedCasesOptions): Promise<string[]> {
  if (options.assignmentsPerCase > options.reviewerIds.length) throw new Error("not enough reviewers for distinct assignments");
  const caseIds: string[] = [];
  for (let i = 0; i < options.count; i++) {
    const patientId = await insertPatient(db, `Seeded Patient ${tag()}`, options.keyRing);
    const caseId = await insertCase(db, patientId, options.coordinatorUserId);
    for (let a = 0; a < options.assignmentsPerCase; a++) {
      const reviewerId = options.reviewerIds[(i + a) % options.reviewerIds.length];
      await db.query(`INSERT INTO review_assignment (case_id, reviewer_id, status) VALUES ($1, $2, 'INVITED')`, [caseId, reviewerId]);
    }
    for (let r = 0; r < options.recordsPerCase; r++) {
      // As if uploaded: records count once their bytes arrived (no document is stored behind these).
      await db.query(
        `INSERT INTO medical_record (case_id, kind, title, language, added_by_user_id, content_type, size_bytes, sha256, uploaded_at)
         VALUES ($1, 'CLINICAL_NOTE', $2, 'EN', $3, 'text/plain', 0, repeat('0', 64), now())`,
        [caseId, `Note ${r + 1}`, options.coordinatorUserId],
      );
    }
    caseIds.push(caseId);
  }
  return caseIds;
}
