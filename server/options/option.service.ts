import { canContribute, canSeeOption } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { ForbiddenError } from "../errors.js";
import { CaseEventType, OptionStatus } from "../common/enums.js";
import type { Page } from "../common/paging.js";
import { optionalText, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { lockOpenCase, lockOpenCaseOf, type VisibleCase } from "../cases/case-access.js";
import { appendEvents } from "../events/outbox.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import type { ProposePathwayOptionInput } from "./pathway-option.input.js";
import { PathwayOptionEntity } from "./pathway-option.entity.js";

export async function proposePathwayOption(ctx: RequestContext, input: ProposePathwayOptionInput): Promise<PathwayOptionEntity> {
  const title = requireText(input.title, "input.title", LIMITS.title);
  const description = requireText(input.description, "input.description", LIMITS.longText);
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view } = await lockOpenCase(ctx, manager, input.caseId, "input.caseId");
    if (!canContribute(view)) throw new ForbiddenError("Accept the invitation before contributing to the case");
    const evidence = optionalText(input.evidence, "input.evidence", LIMITS.longText);
    const eligibility = optionalText(input.eligibility, "input.eligibility", LIMITS.longText);
    const texts: Array<[string, string | null]> = [["input.title", title], ["input.description", description], ["input.evidence", evidence], ["input.eligibility", eligibility]];
    await assertDeidentified(ctx, manager, caseRow.patientId, texts.filter((t): t is [string, string] => t[1] !== null));
    const row = await manager.save(
      manager.create(PathwayOptionEntity, {
        caseId: caseRow.id,
        kind: input.kind,
        title,
        description,
        evidence,
        eligibility,
        complexity: input.complexity,
        status: OptionStatus.PROPOSED,
        proposedByUserId: ctx.viewer!.userId,
      }),
    );
    await audit(ctx, { action: "PROPOSE_OPTION", objectType: "PathwayOption", objectId: row.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.OPTION_PROPOSED, subjectId: row.id }]);
    return row;
  });
}

/** Coordinators decide which options are presented to the patient. */
export async function setPathwayOptionStatus(ctx: RequestContext, id: string, status: OptionStatus): Promise<PathwayOptionEntity> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, item: option } = await lockOpenCaseOf(ctx, manager, PathwayOptionEntity, id, "PathwayOption");
    if (option.status === status) return option;
    const from = option.status;
    option.status = status;
    option.updatedAt = new Date();
    await manager.save(option);
    await audit(ctx, { action: "SET_OPTION_STATUS", objectType: "PathwayOption", objectId: id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.OPTION_UPDATED, subjectId: id, note: `${from} -> ${status}` }]);
    return option;
  });
}

/** A page of the case's options, oldest first, as this view may see them (canSeeOption per status, as SQL). */
export async function visibleOptions(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<PathwayOptionEntity[]> {
  const statuses = Object.values(OptionStatus).filter((status) => canSeeOption(visible.view, visible.row, { status }));
  if (statuses.length === 0) return [];
  const filter = statuses.length === Object.values(OptionStatus).length ? undefined : { sql: "y.status = ANY(:optionStatuses)", params: { optionStatuses: statuses } };
  const rows = await ctx.loaders.optionPages.load({ parentId: visible.row.id, page, filter });
  return rows.filter((row) => canSeeOption(visible.view, visible.row, row));
}
