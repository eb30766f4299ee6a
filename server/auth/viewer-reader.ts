import type { DataSource } from "typeorm";
import { Role, type Language } from "../common/enums.js";
import { isUuid } from "../common/input.js";
import { batchWhileInFlight } from "../db/flight-batch.js";
import { queryRows } from "../db/rows.js";
import type { Viewer } from "./viewer.js";

/** Whose viewer to read: the token's user and, when the token names one, its sign-in (session family). */
export interface ViewerKey {
  userId: string;
  familyId: string | null;
}

export type ViewerReader = (key: ViewerKey) => Promise<Viewer | undefined>;

/** Viewers read per statement at most. */
const MAX_VIEWERS_PER_STATEMENT = 64;

interface ViewerRow {
  n: number;
  id: string;
  role: Role;
  display_name: string;
  patient_id: string | null;
  reviewer_id: string | null;
  country: string | null;
  languages: Language[] | null;
}

/**
 * Reads viewers fresh on every request, the requests that arrive while a read is in flight
 * together in the next statement (db/flight-batch.ts): each key is answered from its own row
 * (matched by position), the user missing, disabled, or, when the key names a sign-in, that
 * sign-in ended (sign-out, a reused refresh token) answering undefined.
 */
export function createViewerReader(db: DataSource): ViewerReader {
  const read = batchWhileInFlight<ViewerKey, Viewer | undefined>(async (keys) => {
    const rows = await queryRows<ViewerRow>(
      db,
      `SELECT k.n::int AS n, u.id, u.role, u.display_name, p.id AS patient_id, r.id AS reviewer_id, r.country, r.languages
       FROM unnest($1::uuid[], $2::uuid[]) WITH ORDINALITY AS k(user_id, family_id, n)
       JOIN app_user u ON u.id = k.user_id AND u.disabled_at IS NULL
       LEFT JOIN patient p ON p.user_id = u.id LEFT JOIN reviewer r ON r.user_id = u.id
       WHERE k.family_id IS NULL OR EXISTS (SELECT 1 FROM auth_session s WHERE s.family_id = k.family_id AND s.user_id = u.id AND s.revoked_at IS NULL)`,
      [keys.map((k) => k.userId), keys.map((k) => k.familyId)],
    );
    const byPosition = new Map(rows.map((row) => [row.n, row]));
    return keys.map((_, i) => {
      const user = byPosition.get(i + 1);
      return user ? asViewer(user) : undefined;
    });
  }, MAX_VIEWERS_PER_STATEMENT);
  // Token claims are signed, but a key that is not a uuid must not fail the statement other requests share.
  return async (key) => (isUuid(key.userId) && (key.familyId === null || isUuid(key.familyId)) ? read(key) : undefined);
}

function asViewer(user: ViewerRow): Viewer {
  return {
    userId: user.id,
    role: user.role,
    displayName: user.display_name,
    patientId: user.role === Role.PATIENT ? user.patient_id : null,
    reviewerId: user.role === Role.REVIEWER ? user.reviewer_id : null,
    reviewerCountry: user.country,
    reviewerLanguages: user.languages ?? [],
  };
}
