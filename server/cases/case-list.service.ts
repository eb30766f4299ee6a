import { caseView, isStaff } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { decodeCursor, encodeCursor, requirePageSize } from "../common/connection.js";
import { isUuid, likePattern } from "../common/input.js";
import { searchTerms } from "../common/search.js";
import { entityColumns, queryRows } from "../db/rows.js";
import { Role } from "../common/enums.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { CaseEntity } from "./case.entity.js";
import { caseFacts, noteCaseRead, type VisibleCase } from "./case-access.js";
import type { CaseFilter } from "./case.input.js";

/**
 * A cursor names the last case returned; the next page starts after that case's place in
 * the order (opened_at, id), which no change to a case moves, so a client paging while
 * cases change sees each case once. Its exact opened_at (microseconds, beyond a JS Date)
 * is read from the row, inside the page's statement.
 */
const encodeCaseCursor = (row: CaseEntity) => encodeCursor({ id: row.id });

interface CaseScope {
  from: string;
  where: string;
  /** A patient's or a reviewer's cases: few, reached by index, read once for both the count and the page. */
  few: boolean;
  /** Whether a search narrows the cases (beyond status), which the kept counts cannot answer. */
  searched: boolean;
}

/**
 * The cases the viewer may see under the filter, as a FROM clause yielding cases `c` and one SQL
 * condition, mirroring the policy so that counts and pages hold only visible cases; each row is
 * still checked by the pure policy after loading. `param` adds a value and returns its placeholder.
 * A reviewer's cases are reached from their assignments (an index), one case at a time: the
 * planner would otherwise scan every case to match a few hundred assignments.
 */
function visibleCases(ctx: RequestContext, filter: CaseFilter | null | undefined, param: (value: unknown) => string): CaseScope {
  const viewer = ctx.viewer!;
  const where = ["c.erased_at IS NULL"];
  let from = "medical_case c";
  if (viewer.role === Role.PATIENT) where.push(`c.patient_id = ${param(viewer.patientId)}`);
  else if (!isStaff(viewer)) {
    // OFFSET 0 keeps the lateral a per-assignment lookup by primary key instead of a join over all cases.
    from = "review_assignment ra CROSS JOIN LATERAL (SELECT * FROM medical_case m WHERE m.id = ra.case_id OFFSET 0) c";
    where.push(
      `ra.reviewer_id = ${param(viewer.reviewerId)}`,
      "ra.status IN ('INVITED', 'ACCEPTED', 'SUBMITTED')",
      "c.status NOT IN ('CLOSED', 'WITHDRAWN')",
      // OFFSET 0: a lookup per case, not a hash of every patient's consents.
      `EXISTS (SELECT FROM consent k WHERE k.patient_id = c.patient_id AND k.revoked_at IS NULL AND k.scope = 'CROSS_BORDER_REVIEW' AND ${param(viewer.reviewerCountry)} = ANY(k.destination_countries) OFFSET 0)`,
    );
  }
  if (filter?.status && filter.status.length > 0) where.push(`c.status = ANY(${param(filter.status)}::text[])`);
  const terms = searchTerms(filter?.search, "filter.search");
  for (const term of terms) {
    const pattern = param(likePattern(term, true));
    where.push(
      isStaff(viewer)
        ? `(c.reference ILIKE ${pattern} OR EXISTS (SELECT 1 FROM patient p WHERE p.id = c.patient_id AND p.search_text LIKE ${pattern}))`
        : `(c.reference ILIKE ${pattern})`,
    );
  }
  return { from, where: where.join(" AND "), few: !isStaff(viewer), searched: terms.length > 0 };
}

/**
 * How many cases the viewer may see, as a subquery: for staff without a search, the sum of the
 * per-status count rows the database keeps (migration CaseStatusCount), so the dashboard's total
 * costs the same at 5,000 cases as at 50,000; otherwise a count over the visible cases, which
 * for patients and reviewers are few and reached by index.
 */
function countOfVisibleCases(ctx: RequestContext, filter: CaseFilter | null | undefined, scope: CaseScope, param: (value: unknown) => string): string {
  if (isStaff(ctx.viewer!) && !scope.searched) {
    const statuses = filter?.status && filter.status.length > 0 ? `WHERE s.status = ANY(${param(filter.status)}::text[])` : "";
    return `SELECT coalesce(sum(s.cases), 0)::int AS total_count FROM case_status_count s ${statuses}`;
  }
  return `SELECT count(*)::int AS total_count FROM ${scope.from} WHERE ${scope.where}`;
}

/**
 * A page of the cases the viewer may see, with their total, in one statement: the count (of
 * every visible case, whatever the cursor), the page (newest opened first; for staff walking
 * ix_medical_case_opened), each case's record counts (what every list of cases shows), and
 * for viewers who see identities the page's patients; counts and patients are primed into
 * the request's loaders. Patients are looked up case by case (a LATERAL kept apart by OFFSET 0):
 * the planner otherwise hashed every patient for a page of fifty.
 */
export async function listCases(ctx: RequestContext, filter: CaseFilter | null | undefined, first: number, after: string | null | undefined) {
  requirePageSize(first);
  const values: unknown[] = [first + 1];
  const param = (value: unknown) => `$${values.push(value)}`;
  const cases = visibleCases(ctx, filter, param);
  const scope = cases.few ? { ...cases, from: "visible_case c", where: "true" } : cases;
  const cursor = after ? `AND (c.opened_at, c.id) < (SELECT m.opened_at, m.id FROM medical_case m WHERE m.id = ${param(decodeCursor(after, { id: isUuid }).id)})` : "";
  const withPatients = isStaff(ctx.viewer!) || ctx.viewer!.role === Role.PATIENT;
  const c = entityColumns(ctx.db, CaseEntity, "c", "c_");
  const p = entityColumns(ctx.db, PatientEntity, "p", "p_");
  const rows = await queryRows(
    ctx.db,
    `${cases.few ? `WITH visible_case AS MATERIALIZED (SELECT c.* FROM ${cases.from} WHERE ${cases.where})` : ""}
     SELECT t.total_count, ${c.select}, m.record_count, m.shared_record_count${withPatients ? `, ${p.select}` : ""}
     FROM (${countOfVisibleCases(ctx, filter, scope, param)}) t
     LEFT JOIN LATERAL (SELECT c.* FROM ${scope.from} WHERE ${scope.where} ${cursor} ORDER BY c.opened_at DESC, c.id DESC LIMIT $1) c ON true
     LEFT JOIN LATERAL (
       SELECT count(*)::int AS record_count, (count(*) FILTER (WHERE r.shared_with_reviewers))::int AS shared_record_count
       FROM medical_record r WHERE r.case_id = c.id AND r.uploaded_at IS NOT NULL) m ON true
     ${withPatients ? "LEFT JOIN LATERAL (SELECT * FROM patient p WHERE p.id = c.patient_id OFFSET 0) p ON true" : ""}
     ORDER BY c.opened_at DESC, c.id DESC`,
    values,
  );
  const totalCount = rows[0].total_count as number;
  const found = rows[0].c_id === null ? [] : rows;
  const pageRows = found.slice(0, first).map((raw) => {
    ctx.loaders.recordCountByCase.prime(raw.c_id as string, { all: raw.record_count as number, shared: raw.shared_record_count as number });
    const row = c.from(raw);
    ctx.loaders.case.prime(row.id, row);
    if (withPatients) ctx.loaders.patient.prime(row.patientId, p.from(raw));
    return row;
  });
  // All rows' facts are requested together, so the loaders batch them into one query each.
  const facts = await Promise.all(pageRows.map((row) => caseFacts(ctx, row)));
  const visible: VisibleCase[] = [];
  pageRows.forEach((row, i) => {
    const view = caseView(ctx.viewer!, facts[i]);
    if (view) {
      visible.push({ row, view });
      noteCaseRead(ctx, row);
    }
  });
  return {
    edges: visible.map(({ row, view }) => ({ cursor: encodeCaseCursor(row), row, view })),
    hasNextPage: found.length > first,
    endCursor: visible.length > 0 ? encodeCaseCursor(visible[visible.length - 1].row) : null,
    totalCount,
  };
}
