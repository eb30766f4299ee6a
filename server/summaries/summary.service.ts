import { canSeeSummary } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ConflictError } from "../errors.js";
import { CaseEventType, type Language } from "../common/enums.js";
import type { Page } from "../common/paging.js";
import { lockOpenCase, lockOpenCaseOf, type VisibleCase } from "../cases/case-access.js";
import { assertDeidentified } from "../patients/identifier-check.js";
import { appendEvents } from "../events/outbox.js";
import { CaseSummaryEntity } from "./case-summary.entity.js";
import type { SaveCaseSummaryInput } from "./case-summary.input.js";

const CONTENT_FIELDS = [
  "primaryCancer",
  "histology",
  "stage",
  "biomarkers",
  "ecogPerformanceStatus",
  "treatmentHistory",
  "currentPlan",
  "questionsForReviewers",
] as const;


/** The free text of a summary that reviewers read, by its path in the summary (e.g. biomarkers.0.result). */
function textFields(summary: Partial<CaseSummaryEntity>): Array<[string, string]> {
  const texts: Array<[string, string]> = [];
  for (const key of ["primaryCancer", "histology", "stage", "treatmentHistory", "currentPlan"] as const) {
    const value = summary[key];
    if (value) texts.push([key, value]);
  }
  (summary.biomarkers ?? []).forEach((b, i) => texts.push([`biomarkers.${i}.name`, b.name], [`biomarkers.${i}.result`, b.result]));
  (summary.questionsForReviewers ?? []).forEach((q, i) => texts.push([`questionsForReviewers.${i}`, q]));
  return texts;
}

/** Saving makes version n+1 for the case and language, copying what the input omits. */
export async function saveCaseSummary(ctx: RequestContext, input: SaveCaseSummaryInput): Promise<CaseSummaryEntity> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow } = await lockOpenCase(ctx, manager, input.caseId, "input.caseId");
    // Read under the case's lock: concurrent saves are serialized, so the version compared is the current one.
    const previous = await manager.findOne(CaseSummaryEntity, { where: { caseId: caseRow.id, language: input.language }, order: { version: "DESC" } });
    const current = previous?.version ?? 0;
    if (input.expectedVersion !== undefined && input.expectedVersion !== null && input.expectedVersion !== current) {
      throw new ConflictError(`The ${input.language} summary has changed since version ${input.expectedVersion} (now ${current}); reload it`, "input.expectedVersion");
    }
    const next = manager.create(CaseSummaryEntity, {
      caseId: caseRow.id,
      language: input.language,
      version: current + 1,
      translationOfId: input.translationOfId === undefined ? (previous?.translationOfId ?? null) : input.translationOfId,
      createdByUserId: ctx.viewer!.userId,
      publishedAt: null,
    });
    for (const field of CONTENT_FIELDS) {
      const given = input[field];
      (next as unknown as Record<string, unknown>)[field] = given === undefined ? (previous?.[field] ?? null) : given;
    }
    next.biomarkers = (next.biomarkers ?? []).map((b) => ({ name: b.name.trim(), result: b.result.trim() }));
    next.questionsForReviewers = (next.questionsForReviewers ?? []).map((q) => q.trim());
    if (next.translationOfId) {
      const source = await manager.findOneBy(CaseSummaryEntity, { id: next.translationOfId, caseId: caseRow.id });
      if (!source || !source.publishedAt || source.translationOfId || source.language === input.language) {
        throw new BadUserInputError("input.translationOfId", "A translation must point at a published source summary of this case in another language");
      }
    }
    await assertDeidentified(ctx, manager, caseRow.patientId, textFields(next).map(([path, text]) => [`input.${path}`, text]));
    return manager.save(next);
  });
}

/** Publishing freezes a draft and tells everyone following the case. */
export async function publishCaseSummary(ctx: RequestContext, id: string): Promise<{ row: CaseSummaryEntity; view: VisibleCase["view"] }> {
  return ctx.db.transaction(async (manager) => {
    const { row: caseRow, view, item: summary } = await lockOpenCaseOf(ctx, manager, CaseSummaryEntity, id, "CaseSummary");
    if (summary.publishedAt) throw new BadUserInputError("id", "This summary version is already published");
    // A version someone has saved over is stale: publishing it would drop the newer one's changes.
    const newer = await manager
      .createQueryBuilder(CaseSummaryEntity, "s")
      .where("s.case_id = :caseId AND s.language = :language AND s.version > :version", summary)
      .getExists();
    if (newer) throw new ConflictError("A newer version of this summary exists; publish that one or save again", "id");
    // Reviewers read it from now on; the draft may predate the check's current forms.
    await assertDeidentified(ctx, manager, caseRow.patientId, textFields(summary).map(([path, text]) => ["id", text, `The summary's ${path}`]));
    summary.publishedAt = new Date();
    await manager.update(CaseSummaryEntity, { id }, { publishedAt: summary.publishedAt });
    await audit(ctx, { action: "PUBLISH_SUMMARY", objectType: "CaseSummary", objectId: id, patientId: caseRow.patientId }, manager);
    await appendEvents(manager, ctx.viewer!.userId, [{ caseId: caseRow.id, type: CaseEventType.SUMMARY_PUBLISHED, subjectId: id }]);
    return { row: summary, view };
  });
}

/** A page of the case's summaries (by language, then version), as this view may see them (canSeeSummary, as SQL). */
export async function visibleSummaries(ctx: RequestContext, visible: VisibleCase, page: Page): Promise<CaseSummaryEntity[]> {
  const filter = canSeeSummary(visible.view, { publishedAt: null }) ? undefined : { sql: "y.published_at IS NOT NULL", params: {} };
  const rows = await ctx.loaders.summaryPages.load({ parentId: visible.row.id, page, filter });
  return rows.filter((row) => canSeeSummary(visible.view, row));
}

/** The newest published summary of the case in that language. */
export async function newestPublished(ctx: RequestContext, caseId: string, language: Language): Promise<CaseSummaryEntity | null> {
  const rows = await ctx.loaders.summariesByCase.load(caseId);
  const published = rows.filter((row) => row.language === language && row.publishedAt);
  return published.length > 0 ? published[published.length - 1] : null;
}

/** A translation is stale once a newer version of its source has been published. */
export async function isStale(ctx: RequestContext, summary: CaseSummaryEntity): Promise<boolean> {
  if (!summary.translationOfId) return false;
  const source = await ctx.loaders.summary.load(summary.translationOfId);
  if (!source) return false;
  const newest = await newestPublished(ctx, summary.caseId, source.language);
  return newest !== null && newest.version > source.version;
}
