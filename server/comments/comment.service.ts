import { canContribute, canSeeComments, canSeeSummary } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../errors.js";
import { CaseEventType } from "../common/enums.js";
import { requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import type { Page } from "../common/paging.js";
import { lockOpenCase, lockOpenCaseOf, type VisibleCase } from "../cases/case-access.js";
import { appendEvents } from "../events/outbox.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import { CaseSummaryEntity } from "../summaries/case-summary.entity.js";
import { CommentEntity } from "./comment.entity.js";
import type { AddCommentInput } from "./comment.input.js";
import { replyRefusal } from "./comment-thread.js";

/** Coordinators and reviewers with the whole case in view comment on a section of a published summary. */
export async function addComment(ctx: RequestContext, input: AddCommentInput): Promise<{ row: CommentEntity; view: VisibleCase["view"] }> {
  const body = requireText(input.body, "input.body", LIMITS.longText);
  await ctx.runtime.quotas.comment(ctx.viewer!.userId);
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view } = await lockOpenCase(ctx, manager, input.caseId, "input.caseId");
    if (!canContribute(view)) throw new ForbiddenError("Accept the invitation before contributing to the case");
    const summary = await manager.findOneBy(CaseSummaryEntity, { id: input.summaryId, caseId: caseRow.id });
    if (!summary || (view !== "STAFF" && !summary.publishedAt)) throw new BadUserInputError("input.summaryId", "No such summary on this case");
    if (input.parentId) {
      const parent = await manager.findOneBy(CommentEntity, { id: input.parentId, caseId: caseRow.id });
      // A comment on a summary this viewer may not read (a draft) is answered like a missing one.
      const parentSummary = parent && (await manager.findOneBy(CaseSummaryEntity, { id: parent.summaryId }));
      if (!parent || !parentSummary || !canSeeSummary(view, parentSummary)) throw new BadUserInputError("input.parentId", "No such comment on this case");
      const refusal = replyRefusal(parent, { caseId: caseRow.id, section: input.section });
      if (refusal) throw new BadUserInputError(refusal.field, refusal.message);
    }
    await assertDeidentified(ctx, manager, caseRow.patientId, [["input.body", body]]);
    const row = await manager.save(
      manager.create(CommentEntity, {
        caseId: caseRow.id,
        summaryId: summary.id,
        section: input.section,
        body,
        authorUserId: ctx.viewer!.userId,
        parentId: input.parentId ?? null,
      }),
    );
    await audit(ctx, { action: "ADD_COMMENT", objectType: "Comment", objectId: row.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.COMMENT_ADDED, subjectId: row.id }]);
    return { row, view };
  });
}

/**
 * Its author withdraws a comment while the case is open: the text is erased, the comment
 * keeps its place (replies keep their parent), and the team gets a COMMENT_WITHDRAWN event.
 * Withdrawing a withdrawn comment changes nothing (no event, no audit entry).
 */
export async function withdrawComment(ctx: RequestContext, id: string): Promise<{ row: CommentEntity; view: VisibleCase["view"] }> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: comment } = await lockOpenCaseOf(ctx, manager, CommentEntity, id, "Comment");
    const summary = await manager.findOneByOrFail(CaseSummaryEntity, { id: comment.summaryId });
    if (!canSeeComments(view) || !canSeeSummary(view, summary)) throw new NotFoundError("Comment");
    if (comment.authorUserId !== ctx.viewer!.userId) throw new ForbiddenError("Only its author may withdraw a comment");
    if (comment.withdrawnAt) return { row: comment, view };
    comment.withdrawnAt = new Date();
    comment.body = "";
    await manager.save(comment);
    ctx.loaders.comment.clear(comment.id).prime(comment.id, comment);
    await audit(ctx, { action: "WITHDRAW_COMMENT", objectType: "Comment", objectId: comment.id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.COMMENT_WITHDRAWN, subjectId: comment.id }]);
    return { row: comment, view };
  });
}

/** A page of the case's comments, oldest first, as this view may see them. */
export async function visibleComments(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<CommentEntity[]> {
  if (!canSeeComments(visible.view)) return [];
  // A comment leads to the summary version it is anchored to: only those this view may read (canSeeSummary: not drafts).
  const filter = canSeeSummary(visible.view, { publishedAt: null })
    ? undefined
    : { sql: "EXISTS (SELECT 1 FROM case_summary s WHERE s.id = y.summary_id AND s.published_at IS NOT NULL)", params: {} };
  return ctx.loaders.commentPages.load({ parentId: visible.row.id, page, filter });
}

/** The comment a reply answers, unless it is anchored to a summary this view may not read (a draft). */
export async function visibleParent(ctx: RequestContext, comment: CommentEntity, view: VisibleCase["view"]): Promise<CommentEntity | null> {
  if (!comment.parentId) return null;
  const parent = await ctx.loaders.comment.load(comment.parentId);
  const summary = parent ? await ctx.loaders.summary.load(parent.summaryId) : undefined;
  return parent && summary && canSeeSummary(view, summary) ? parent : null;
}
