import { isStaff } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { ForbiddenError } from "../errors.js";
import { decodeCursor, encodeCursor, requirePageSize, type Page } from "../common/connection.js";
import { isUuid } from "../common/input.js";
import { searchTerms } from "../common/search.js";
import { whereEveryTerm } from "../db/text-search.js";
import { CaseEntity } from "../cases/case.entity.js";
import { UserEntity } from "../users/user.entity.js";
import { PatientEntity } from "./patient.entity.js";

/**
 * Staff's list of patients: by part of the name, the email or a case reference, ignoring
 * case and accents. Newest first, on (created_at, id), which never change: a patient
 * edited while a client pages through the list is still returned exactly once.
 */
export async function listPatients(ctx: RequestContext, search: string | null | undefined, first: number, after: string | null | undefined): Promise<Page<PatientEntity>> {
  if (!ctx.viewer || !isStaff(ctx.viewer)) throw new ForbiddenError();
  requirePageSize(first);
  const terms = searchTerms(search, "search");
  const cases = ctx.db.getMetadata(CaseEntity).tableName;
  // An erased patient is seen by no one, like a missing one.
  const base = ctx.db.getRepository(PatientEntity).createQueryBuilder("p").innerJoin(UserEntity, "u", "u.id = p.user_id").where("p.erased_at IS NULL");
  whereEveryTerm(
    base,
    terms,
    (term) => `p.search_text LIKE ${term} OR u.search_text LIKE ${term} OR EXISTS (SELECT 1 FROM ${cases} c WHERE c.patient_id = p.id AND c.reference ILIKE ${term})`,
  );
  const page = base.clone().orderBy("p.created_at", "DESC").addOrderBy("p.id", "DESC").limit(first + 1);
  if (after) {
    // The cursor names the last row; its creation time is read at full precision, and never changes.
    const { id } = decodeCursor(after, { id: isUuid });
    page.andWhere(`(p.created_at, p.id) < (SELECT x.created_at, x.id FROM ${ctx.db.getMetadata(PatientEntity).tableName} x WHERE x.id = :cursorId)`, { cursorId: id });
  }
  const [rows, totalCount] = await Promise.all([page.getMany(), base.getCount()]);
  const pageRows = rows.slice(0, first);
  for (const row of pageRows) ctx.loaders.patient.prime(row.id, row);
  const edges = pageRows.map((row) => ({ cursor: encodeCursor({ id: row.id }), row }));
  return { edges, hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null, totalCount };
}
