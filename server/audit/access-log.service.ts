import { patientFileView } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import type { AccessKind, Language, Role } from "../common/enums.js";
import { ACCESS_LOG_FOLD_MINUTES, accessKindOf, describeAccess, READ_ACTIONS, SHOWN_ACTIONS } from "./access-log.js";
import { AccessLogEntryType } from "./access-log.type.js";

export const MAX_ACCESS_LOG_PAGE = 500;
const MAX_BIGINT = 9223372036854775807n;

interface EntryRow {
  id: string;
  first_at: Date;
  last_at: Date;
  count: number;
  action: string;
  actor_user_id: string;
  actor_role: Role;
  display_name: string | null;
  institution: string | null;
  country: string | null;
}

/**
 * Folded at read time from the audit trail, which stays complete and append-only: a read
 * starts a new entry unless the same person read the file within ACCESS_LOG_FOLD_MINUTES
 * before; every change is its own entry. One request reading the case and the patient
 * counts once. An entry's id is its first audit row's, so it
 * keeps its place (newest first by id) while later reads fold into it, and a client
 * paging with after sees each entry once. The patient's own reads are left out.
 */
const ACCESS_LOG_SQL = `
WITH shown AS (
  SELECT a.id, a.at, a.action, a.actor_user_id, a.actor_role, a.request_id, a.action = ANY($3::text[]) AS folds
    FROM audit_entry a
   WHERE a.patient_id = $1 AND a.outcome = 'ALLOWED' AND a.actor_user_id IS NOT NULL
     AND a.action = ANY($2::text[])
     AND NOT (a.action = ANY($3::text[]) AND a.actor_user_id = $4::uuid)
), marked AS (
  SELECT s.*, CASE WHEN s.folds AND s.at - lag(s.at) OVER w <= make_interval(mins => $5::int) THEN 0 ELSE 1 END AS starts
    FROM shown s WINDOW w AS (PARTITION BY s.actor_user_id, s.folds ORDER BY s.id)
), grouped AS (
  SELECT m.*, sum(m.starts) OVER (PARTITION BY m.actor_user_id, m.folds ORDER BY m.id) AS grp FROM marked m
), entries AS (
  SELECT min(g.id) AS id, min(g.at) AS first_at, max(g.at) AS last_at, count(DISTINCT coalesce(g.request_id, g.id::text))::int AS count,
         (array_agg(g.action ORDER BY g.id))[1] AS action, (array_agg(g.actor_role ORDER BY g.id))[1] AS actor_role, g.actor_user_id
    FROM grouped g GROUP BY g.actor_user_id, g.folds, g.grp
)
SELECT e.id::text AS id, e.first_at, e.last_at, e.count, e.action, e.actor_user_id, e.actor_role, u.display_name, r.institution, r.country
  FROM entries e
  LEFT JOIN app_user u ON u.id = e.actor_user_id
  LEFT JOIN reviewer r ON r.user_id = e.actor_user_id AND e.actor_role = 'REVIEWER'
 WHERE $6::bigint IS NULL OR e.id < $6::bigint
 ORDER BY e.id DESC
 LIMIT $7`;

function parseCursor(after: string): string {
  if (!/^[1-9][0-9]{0,18}$/.test(after) || BigInt(after) > MAX_BIGINT) throw new BadUserInputError("after", "after is not an access log entry id");
  return after;
}

/** Who opened or changed a patient's file, newest first, as the patient reads it; for the patient themself and staff. */
export async function accessLog(
  ctx: RequestContext,
  patient: { id: string; userId: string; preferredLanguage: Language },
  first: number,
  after: string | null,
): Promise<AccessLogEntryType[]> {
  if (!patientFileView(ctx.viewer, patient.id)) throw new NotFoundError("Patient");
  if (!Number.isInteger(first) || first < 0 || first > MAX_ACCESS_LOG_PAGE) {
    throw new BadUserInputError("first", `first must be between 0 and ${MAX_ACCESS_LOG_PAGE}`);
  }
  const cursor = after === null ? null : parseCursor(after);
  const rows: EntryRow[] = await ctx.db.query(ACCESS_LOG_SQL, [patient.id, SHOWN_ACTIONS, READ_ACTIONS, patient.userId, ACCESS_LOG_FOLD_MINUTES, cursor, first]);
  return rows.map((row) => {
    const kind = accessKindOf(row.action) as AccessKind;
    const reviewer = row.actor_role === "REVIEWER";
    const actor = { name: row.display_name, role: row.actor_role, institution: row.institution, country: row.country, isPatient: row.actor_user_id === patient.userId };
    const words = describeAccess(kind, patient.preferredLanguage, actor, row.count);
    return Object.assign(new AccessLogEntryType(), {
      id: row.id,
      at: row.first_at,
      firstAt: row.first_at,
      lastAt: row.last_at,
      actorName: words.actorName,
      actorRole: row.actor_role,
      action: words.action,
      description: words.description,
      kind,
      actorInstitution: reviewer ? row.institution : null,
      actorCountry: reviewer ? row.country : null,
      count: row.count,
    });
  });
}
