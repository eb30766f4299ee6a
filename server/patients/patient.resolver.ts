import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { PAGES } from "../common/limits.js";
import { pageOf } from "../common/paging.js";
import { CaseType } from "../cases/case.type.js";
import { ConsentType } from "../consents/consent.type.js";
import { consentsOf } from "../consents/consent.service.js";
import { CreatePatientInput } from "./patient.input.js";
import { accessLog, casesOfPatient, createPatient, findVisiblePatient, toPatientType } from "./patient.service.js";
import { AccessLogEntryType, PatientType } from "./patient.type.js";

/** Patients are reached only by staff and by the patient themself (findVisiblePatient). */
@Resolver(() => PatientType)
export class PatientResolver {
  @Query(() => PatientType, { nullable: true })
  async patient(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<PatientType> {
    return toPatientType(ctx, await findVisiblePatient(ctx, id));
  }

  @Mutation(() => PatientType)
  async createPatient(@Ctx() ctx: RequestContext, @Arg("input") input: CreatePatientInput): Promise<PatientType> {
    return toPatientType(ctx, await createPatient(ctx, input));
  }

  @FieldResolver(() => String)
  async email(@Ctx() ctx: RequestContext, @Root() patient: PatientType): Promise<string> {
    return (await ctx.loaders.user.load(patient.userId))?.email ?? "";
  }

  @FieldResolver(() => [CaseType])
  async cases(
    @Ctx() ctx: RequestContext,
    @Root() patient: PatientType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.patientCases.default, description: `At most ${PAGES.patientCases.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last case of the previous page (newest first)." }) after: string | null,
  ): Promise<CaseType[]> {
    return (await casesOfPatient(ctx, patient.id, pageOf(PAGES.patientCases, first, after))).map(({ row, view }) => CaseType.from(row, view));
  }

  @FieldResolver(() => [ConsentType])
  async consents(
    @Ctx() ctx: RequestContext,
    @Root() patient: PatientType,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.patientConsents.default, description: `At most ${PAGES.patientConsents.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last consent of the previous page (newest first)." }) after: string | null,
  ): Promise<ConsentType[]> {
    return (await consentsOf(ctx, patient.id, pageOf(PAGES.patientConsents, first, after))).map(ConsentType.from);
  }

  @FieldResolver(() => [AccessLogEntryType], { description: "Who read or changed this patient's file, newest first." })
  accessLog(
    @Ctx() ctx: RequestContext,
    @Root() patient: PatientType,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
  ): Promise<AccessLogEntryType[]> {
    return accessLog(ctx, patient.id, first ?? 50);
  }
}
