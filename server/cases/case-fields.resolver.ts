import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import { canSeeIdentity, canSeeRecord, canSeeSummary } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { Language } from "../common/enums.js";
import { PAGES } from "../common/limits.js";
import { pageOf } from "../common/paging.js";
import { CommentType } from "../comments/comment.type.js";
import { visibleComments } from "../comments/comment.service.js";
import { consentActive } from "../consents/consent.service.js";
import { CaseEventNode } from "../events/case-event.type.js";
import { AFTER_EVENT, listCaseEvents } from "../events/case-event.service.js";
import { PathwayOptionType } from "../options/pathway-option.type.js";
import { visibleOptions } from "../options/option.service.js";
import { PatientType } from "../patients/patient.type.js";
import { toPatientType } from "../patients/patient.service.js";
import { MedicalRecordType } from "../records/medical-record.type.js";
import { recordPage } from "../records/record.service.js";
import { ReviewAssignmentType } from "../reviews/review-assignment.type.js";
import { visibleAssignments } from "../reviews/review.service.js";
import { CaseSummaryType } from "../summaries/case-summary.type.js";
import { newestPublished, visibleSummaries } from "../summaries/summary.service.js";
import { allowedTransitions } from "./case.service.js";
import { CaseType, TransitionOptionType } from "./case.type.js";

/** The Case's nested fields, each filtered by the viewer's view of the case. */
@Resolver(() => CaseType)
export class CaseFieldsResolver {
  @FieldResolver(() => PatientType, { nullable: true, description: "Null for viewers who may not see the patient's identity (reviewers)." })
  async patient(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<PatientType | null> {
    if (!canSeeIdentity(c.view)) return null;
    const patient = await ctx.loaders.patient.load(c.row.patientId);
    return patient ? toPatientType(ctx, patient) : null;
  }

  @FieldResolver(() => Int, { description: "The records whose document has arrived, of those the viewer may see: what the CASE_ORGANISATION guard counts." })
  async recordCount(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<number> {
    const counts = await ctx.loaders.recordCountByCase.load(c.id);
    if (canSeeRecord(c.view, { sharedWithReviewers: false })) return counts.all;
    return canSeeRecord(c.view, { sharedWithReviewers: true }) ? counts.shared : 0;
  }

  @FieldResolver(() => [MedicalRecordType])
  async records(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.caseRecords.default, description: `At most ${PAGES.caseRecords.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last record of the previous page." }) after: string | null,
  ): Promise<MedicalRecordType[]> {
    return (await recordPage(ctx, c, pageOf(PAGES.caseRecords, first, after))).map((row) => MedicalRecordType.from(row, c.view));
  }

  @FieldResolver(() => CaseSummaryType, { nullable: true, description: "The newest published summary in that language, or null." })
  async summary(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("language", () => Language, { nullable: true, defaultValue: Language.EN }) language: Language | null,
  ): Promise<CaseSummaryType | null> {
    const row = await newestPublished(ctx, c.id, language ?? Language.EN);
    return row && canSeeSummary(c.view, row) ? CaseSummaryType.from(row, c.view) : null;
  }

  @FieldResolver(() => [CaseSummaryType])
  async summaries(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.caseSummaries.default, description: `At most ${PAGES.caseSummaries.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last summary of the previous page." }) after: string | null,
  ): Promise<CaseSummaryType[]> {
    return (await visibleSummaries(ctx, c, pageOf(PAGES.caseSummaries, first, after))).map((row) => CaseSummaryType.from(row, c.view));
  }

  @FieldResolver(() => [ReviewAssignmentType])
  async assignments(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.caseAssignments.default, description: `At most ${PAGES.caseAssignments.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last assignment of the previous page." }) after: string | null,
  ): Promise<ReviewAssignmentType[]> {
    return (await visibleAssignments(ctx, c, pageOf(PAGES.caseAssignments, first, after))).map(({ row, opinionVisible }) => ReviewAssignmentType.from(row, opinionVisible));
  }

  @FieldResolver(() => [CommentType])
  async comments(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.caseComments.default, description: `At most ${PAGES.caseComments.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last comment of the previous page." }) after: string | null,
  ): Promise<CommentType[]> {
    return (await visibleComments(ctx, c, pageOf(PAGES.caseComments, first, after))).map((row) => CommentType.from(row, c.view));
  }

  @FieldResolver(() => [PathwayOptionType])
  async options(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.caseOptions.default, description: `At most ${PAGES.caseOptions.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last option of the previous page." }) after: string | null,
  ): Promise<PathwayOptionType[]> {
    return (await visibleOptions(ctx, c, pageOf(PAGES.caseOptions, first, after))).map(PathwayOptionType.from);
  }

  @FieldResolver(() => [CaseEventNode], { description: "The case's events as this viewer may see them, oldest first; without after, from the start." })
  async events(
    @Ctx() ctx: RequestContext,
    @Root() c: CaseType,
    @Arg("after", () => ID, { nullable: true, description: AFTER_EVENT }) after: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
  ): Promise<CaseEventNode[]> {
    return (await listCaseEvents(ctx, c, after, first ?? 100)).map((row) => CaseEventNode.from(row, c.view));
  }

  @FieldResolver(() => [TransitionOptionType], {
    description: "For the viewer: each status the case can move to from here, allowed now or with what is missing. Coordinators get every edge; the patient, withdrawal; others, nothing.",
  })
  async allowedTransitions(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<TransitionOptionType[]> {
    return (await allowedTransitions(ctx, c)).map((option) => Object.assign(new TransitionOptionType(), option));
  }

  @FieldResolver(() => Boolean)
  consentActive(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<boolean> {
    return consentActive(ctx, c.row);
  }
}
