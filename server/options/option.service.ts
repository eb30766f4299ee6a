import type { EntityManager } from "typeorm";
import { canContribute, canSeeOption } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../errors.js";
import { CaseEventType, OptionStatus, Role } from "../common/enums.js";
import type { Page } from "../common/paging.js";
import { optionalText, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { lockOpenCase, lockOpenCaseOf, type VisibleCase } from "../cases/case-access.js";
import type { CaseEntity } from "../cases/case.entity.js";
import { optionsFrozen } from "../cases/workflow.js";
import { optionEditedNote, optionStatusNote } from "../events/event-notes.js";
import { appendEvents } from "../events/outbox.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import type { ProposePathwayOptionInput, UpdatePathwayOptionInput } from "./pathway-option.input.js";
import { PathwayOptionEntity } from "./pathway-option.entity.js";

/** Every change to a case's options passes here: from OPTIONS_DELIVERED on, what the patient received is frozen. */
function assertOptionsOpen(caseRow: CaseEntity, field: string): void {
  if (optionsFrozen(caseRow)) throw new BadUserInputError(field, "The options were delivered to the patient; reopen option mapping to change them");
}

/** The option's text is checked for the patient's identifiers, each by the input field it came from. */
async function checkText(ctx: RequestContext, manager: EntityManager, patientId: string, texts: Array<[string, string | null]>): Promise<void> {
  await assertDeidentified(ctx, manager, patientId, texts.filter((t): t is [string, string] => t[1] !== null));
}

export async function proposePathwayOption(ctx: RequestContext, input: ProposePathwayOptionInput): Promise<PathwayOptionEntity> {
  const title = requireText(input.title, "input.title", LIMITS.title);
  const description = requireText(input.description, "input.description", LIMITS.longText);
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view } = await lockOpenCase(ctx, manager, input.caseId, "input.caseId");
    if (!canContribute(view)) throw new ForbiddenError("Accept the invitation before contributing to the case");
    assertOptionsOpen(caseRow, "input.caseId");
    const evidence = optionalText(input.evidence, "input.evidence", LIMITS.longText);
    const eligibility = optionalText(input.eligibility, "input.eligibility", LIMITS.longText);
    await checkText(ctx, manager, caseRow.patientId, [["input.title", title], ["input.description", description], ["input.evidence", evidence], ["input.eligibility", eligibility]]);
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
        deliveredAt: null,
      }),
    );
    await audit(ctx, { action: "PROPOSE_OPTION", objectType: "PathwayOption", objectId: row.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.OPTION_PROPOSED, subjectId: row.id }]);
    return row;
  });
}

/**
 * An option's text, before delivery: by a coordinator, or by the reviewer who proposed it. Omitted
 * fields keep their value; evidence and eligibility take null to clear them. Text the
 * patient received never changes: a delivered option is replaced by a new one.
 */
export async function updatePathwayOption(ctx: RequestContext, id: string, input: UpdatePathwayOptionInput): Promise<PathwayOptionEntity> {
  const title = input.title === undefined ? undefined : requireText(input.title, "input.title", LIMITS.title);
  const description = input.description === undefined ? undefined : requireText(input.description, "input.description", LIMITS.longText);
  const evidence = input.evidence === undefined ? undefined : optionalText(input.evidence, "input.evidence", LIMITS.longText);
  const eligibility = input.eligibility === undefined ? undefined : optionalText(input.eligibility, "input.eligibility", LIMITS.longText);
  if (input.complexity === null) throw new BadUserInputError("input.complexity", "input.complexity must not be null");
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: option } = await lockOpenCaseOf(ctx, manager, PathwayOptionEntity, id, "PathwayOption");
    const viewer = ctx.viewer!;
    if (!canSeeOption(view, option)) throw new NotFoundError("PathwayOption");
    if (viewer.role !== Role.COORDINATOR && !(canContribute(view) && option.proposedByUserId === viewer.userId)) {
      throw new ForbiddenError("Only coordinators and the reviewer who proposed an option may edit it");
    }
    assertOptionsOpen(caseRow, "id");
    if (option.deliveredAt) throw new BadUserInputError("id", "This option was delivered to the patient: its text stays as delivered; propose a new option instead");
    const changes: Partial<PathwayOptionEntity> = {};
    if (title !== undefined) changes.title = title;
    if (description !== undefined) changes.description = description;
    if (evidence !== undefined) changes.evidence = evidence;
    if (eligibility !== undefined) changes.eligibility = eligibility;
    if (input.complexity) changes.complexity = input.complexity;
    await checkText(ctx, manager, caseRow.patientId, [
      ["input.title", changes.title ?? null],
      ["input.description", changes.description ?? null],
      ["input.evidence", changes.evidence ?? null],
      ["input.eligibility", changes.eligibility ?? null],
    ]);
    const changed = (Object.keys(changes) as Array<keyof PathwayOptionEntity>).filter((key) => changes[key] !== option[key]);
    if (changed.length === 0) return option;
    Object.assign(option, changes, { updatedAt: new Date() });
    await manager.save(option);
    await audit(ctx, { action: "UPDATE_OPTION", objectType: "PathwayOption", objectId: id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, viewer.userId, [{ caseId: caseRow.id, type: CaseEventType.OPTION_UPDATED, subjectId: id, note: optionEditedNote(changed) }]);
    return option;
  });
}

/** Coordinators decide which options are presented to the patient. */
export async function setPathwayOptionStatus(ctx: RequestContext, id: string, status: OptionStatus): Promise<PathwayOptionEntity> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, item: option } = await lockOpenCaseOf(ctx, manager, PathwayOptionEntity, id, "PathwayOption");
    assertOptionsOpen(caseRow, "id");
    if (option.status === status) return option;
    const from = option.status;
    option.status = status;
    option.updatedAt = new Date();
    await manager.save(option);
    await audit(ctx, { action: "SET_OPTION_STATUS", objectType: "PathwayOption", objectId: id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.OPTION_UPDATED, subjectId: id, note: optionStatusNote(from, status) }]);
    return option;
  });
}

/**
 * A delivery (the case entering OPTIONS_DELIVERED, on the transition's transaction): the
 * options selected for presentation are what the patient now has, replacing an earlier
 * delivery's (an option delivered before keeps its first delivery date).
 */
export async function deliverOptions(manager: EntityManager, caseId: string, at: Date): Promise<void> {
  await manager.query(
    `UPDATE pathway_option SET delivered_at = CASE WHEN status = $2 THEN COALESCE(delivered_at, $3) END WHERE case_id = $1`,
    [caseId, OptionStatus.SELECTED_FOR_PRESENTATION, at],
  );
}

/** A page of the case's options, oldest first, as this view may see them (canSeeOption, as SQL). */
export async function visibleOptions(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<PathwayOptionEntity[]> {
  if (!canSeeOption(visible.view, { deliveredAt: new Date() })) return [];
  const filter = canSeeOption(visible.view, { deliveredAt: null }) ? undefined : { sql: "y.delivered_at IS NOT NULL", params: {} };
  const rows = await ctx.loaders.optionPages.load({ parentId: visible.row.id, page, filter });
  return rows.filter((row) => canSeeOption(visible.view, row));
}
