import { Brackets, type SelectQueryBuilder } from "typeorm";
import { caseView, isStaff } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError } from "../errors.js";
import { isUuid, likePattern } from "../common/input.js";
import { Role } from "../common/enums.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { CaseEntity } from "./case.entity.js";
import { caseFacts, noteCaseRead, type VisibleCase } from "./case-access.js";
import type { CaseFilter } from "./case.input.js";

export const MAX_PAGE_SIZE = 100;

interface Cursor {
  updatedAt: string;
  id: string;
}

const encodeCursor = (row: CaseEntity) => Buffer.from(JSON.stringify({ updatedAt: row.updatedAt.toISOString(), id: row.id })).toString("base64url");

function decodeCursor(after: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(after, "base64url").toString("utf8")) as Cursor;
    const isoInstant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    if (typeof cursor.id === "string" && isUuid(cursor.id) && typeof cursor.updatedAt === "string" && isoInstant.test(cursor.updatedAt) && !Number.isNaN(Date.parse(cursor.updatedAt))) {
      return cursor;
    }
  } catch {
    // fall through to the error below
  }
  throw new BadUserInputError("after", "after is not a cursor this API handed out");
}

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
  const search = filter?.search?.trim();
  if (!search) return;
  const pattern = likePattern(search, true);
  if (isStaff(ctx.viewer!)) {
    query.andWhere(
      new Brackets((where) =>
        where
          .where("c.reference ILIKE :pattern", { pattern })
          .orWhere(`EXISTS (SELECT 1 FROM ${ctx.db.getMetadata(PatientEntity).tableName} p WHERE p.id = c.patient_id AND p.full_name ILIKE :pattern)`, { pattern }),
      ),
    );
  } else {
    query.andWhere("c.reference ILIKE :pattern", { pattern });
  }
}

export async function listCases(ctx: RequestContext, filter: CaseFilter | null | undefined, first: number, after: string | null | undefined) {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError("first", `first must be between 0 and ${MAX_PAGE_SIZE}`);
  }
  const base = ctx.db.getRepository(CaseEntity).createQueryBuilder("c");
  scopeToViewer(ctx, base);
  applyFilter(ctx, base, filter);
  // Cursors carry milliseconds (what a JS Date holds), so the order compares at that precision too.
  const sortKey = "date_trunc('milliseconds', c.updated_at)";
  const page = base.clone().orderBy(sortKey, "DESC").addOrderBy("c.id", "DESC").limit(first + 1);
  if (after) {
    const cursor = decodeCursor(after);
    page.andWhere(`(${sortKey}, c.id) < (:cursorAt, :cursorId)`, { cursorAt: cursor.updatedAt, cursorId: cursor.id });
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
    edges: visible.map(({ row, view }) => ({ cursor: encodeCursor(row), row, view })),
    hasNextPage: rows.length > first,
    endCursor: visible.length > 0 ? encodeCursor(visible[visible.length - 1].row) : null,
    totalCount,
  };
}
