import { Arg, Ctx, FieldResolver, ID, Int, Resolver, Root } from "type-graphql";
import { canSeeIdentity, canSeeSummary } from "../auth/policy.js";
import type { RequestContext } from "../context.js";
import { Language } from "../common/enums.js";
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
import { visibleRecords } from "../records/record.service.js";
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
    if (c.view === "STAFF" || c.view === "OWNER") return ctx.loaders.recordCountByCase.load(c.id);
    return (await visibleRecords(ctx, c)).filter((row) => row.uploadedAt !== null).length;
  }

  @FieldResolver(() => [MedicalRecordType])
  async records(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<MedicalRecordType[]> {
    return (await visibleRecords(ctx, c)).map((row) => MedicalRecordType.from(row, c.view));
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
  async summaries(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<CaseSummaryType[]> {
    return (await visibleSummaries(ctx, c)).map((row) => CaseSummaryType.from(row, c.view));
  }

  @FieldResolver(() => [ReviewAssignmentType])
  async assignments(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<ReviewAssignmentType[]> {
    return (await visibleAssignments(ctx, c)).map(({ row, opinionVisible }) => ReviewAssignmentType.from(row, opinionVisible));
  }

  @FieldResolver(() => [CommentType])
  async comments(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<CommentType[]> {
    return (await visibleComments(ctx, c)).map((row) => CommentType.from(row, c.view));
  }

  @FieldResolver(() => [PathwayOptionType])
  async options(@Ctx() ctx: RequestContext, @Root() c: CaseType): Promise<PathwayOptionType[]> {
    return (await visibleOptions(ctx, c)).map(PathwayOptionType.from);
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
