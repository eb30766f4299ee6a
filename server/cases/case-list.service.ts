import type { SelectQueryBuilder } from "typeorm";
import { caseView, isStaff } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { decodeCursor, encodeCursor, requirePageSize } from "../common/connection.js";
import { isUuid } from "../common/input.js";
import { searchTerms } from "../common/search.js";
import { whereEveryTerm } from "../db/text-search.js";
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

/**
 * The viewer's scope in SQL, mirroring the policy so that counts and pages hold
 * only visible cases; each row is still checked by the pure policy after loading.
 */
function scopeToViewer(ctx: RequestContext, query: SelectQueryBuilder<CaseEntity>): void {
  const viewer = ctx.viewer!;
  query.andWhere("c.erased_at IS NULL");
  if (isStaff(viewer)) return;
  if (viewer.role === Role.PATIENT) {
    query.andWhere("c.patient_id = :ownPatient", { ownPatient: viewer.patientId });
    return;
  }
  query
    .andWhere("c.status NOT IN ('CLOSED', 'WITHDRAWN')")
    .andWhere(
      `EXISTS (SELECT 1 FROM review_assignment ra WHERE ra.case_id = c.id AND ra.reviewer_id = :reviewerId AND ra.status IN ('INVITED', 'ACCEPTED', 'SUBMITTED'))`,
      { reviewerId: viewer.reviewerId },
    )
    .andWhere(
      `EXISTS (SELECT 1 FROM consent k WHERE k.patient_id = c.patient_id AND k.revoked_at IS NULL AND k.scope = 'CROSS_BORDER_REVIEW' AND :country = ANY(k.destination_countries))`,
      { country: viewer.reviewerCountry },
    );
}

function applyFilter(ctx: RequestContext, query: SelectQueryBuilder<CaseEntity>, filter: CaseFilter | null | undefined): void {
  if (filter?.status && filter.status.length > 0) query.andWhere("c.status IN (:...statuses)", { statuses: filter.status });
  const terms = searchTerms(filter?.search, "filter.search");
  if (isStaff(ctx.viewer!)) {
    const patients = ctx.db.getMetadata(PatientEntity).tableName;
    whereEveryTerm(query, terms, (term) => `c.reference ILIKE ${term} OR EXISTS (SELECT 1 FROM ${patients} p WHERE p.id = c.patient_id AND p.search_text LIKE ${term})`);
  } else {
    whereEveryTerm(query, terms, (term) => `c.reference ILIKE ${term}`);
  }
}

export async function listCases(ctx: RequestContext, filter: CaseFilter | null | undefined, first: number, after: string | null | undefined) {
  requirePageSize(first);
  const base = ctx.db.getRepository(CaseEntity).createQueryBuilder("c");
  scopeToViewer(ctx, base);
  applyFilter(ctx, base, filter);
  // Newest opened first; the row comparison follows ix_medical_case_opened.
  const page = base.clone().orderBy("c.opened_at", "DESC").addOrderBy("c.id", "DESC").limit(first + 1);
  if (after) {
    const cursor = decodeCursor(after, { id: isUuid });
    page.andWhere(`(c.opened_at, c.id) < (SELECT m.opened_at, m.id FROM medical_case m WHERE m.id = :cursorId)`, { cursorId: cursor.id });
  }
  const [rows, totalCount] = await Promise.all([page.getMany(), base.getCount()]);
  const pageRows = rows.slice(0, first);
  for (const row of pageRows) ctx.loaders.case.prime(row.id, row);
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
    hasNextPage: rows.length > first,
    endCursor: visible.length > 0 ? encodeCaseCursor(visible[visible.length - 1].row) : null,
    totalCount,
  };
}
