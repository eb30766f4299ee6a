import { visibleEventTypes } from "../auth/policy.js";
import type { VisibleCase } from "../cases/case-access.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError } from "../errors.js";
import { PAGES } from "../common/limits.js";
import { CaseEventEntity } from "./case-event.entity.js";

export const MAX_EVENTS_PAGE = PAGES.caseEvents.max;
const MAX_BIGINT = 9223372036854775807n;

/** `after` for "from the start": event ids are positive, so every event comes after it. */
export const FROM_THE_START = "0";

/** The description of every `after` that takes an event id. */
export const AFTER_EVENT = 'The last event id the client has; "0" means from the start (event ids are positive).';

/** Parses an event id (a positive bigint in decimal) or FROM_THE_START, naming the argument when it is neither. */
export function parseEventId(value: string, field: string): string {
  if (!/^(0|[1-9][0-9]{0,18})$/.test(value) || BigInt(value) > MAX_BIGINT) throw new BadUserInputError(field, `${field} must be an event id, or "0" for the start`);
  return value;
}

/** A case's events after an id, oldest first, as far as the viewer may see them. */
export async function listCaseEvents(ctx: RequestContext, visible: VisibleCase, after: string | null, first: number): Promise<CaseEventEntity[]> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_EVENTS_PAGE) {
    throw new BadUserInputError("first", `first must be between 0 and ${MAX_EVENTS_PAGE}`);
  }
  const query = ctx.db
    .getRepository(CaseEventEntity)
    .createQueryBuilder("e")
    .where("e.case_id = :caseId", { caseId: visible.row.id })
    // Filtered before the limit: a page is never cut short by events this view may not see.
    .andWhere("e.type IN (:...types)", { types: visibleEventTypes(visible.view) })
    .orderBy("e.id", "ASC")
    .limit(first);
  if (after !== null && after !== undefined) query.andWhere("e.id > :after", { after: parseEventId(after, "after") });
  return query.getMany();
}
