import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { CaseType } from "../cases/case.type.js";
import { ConsentType } from "../consents/consent.type.js";
import { consentsOf } from "../consents/consent.service.js";
import { CreatePatientInput } from "./patient.input.js";
import { accessLog } from "../audit/access-log.service.js";
import { AccessLogEntryType } from "../audit/access-log.type.js";
import { casesOfPatient, createPatient, findVisiblePatient, toPatientType } from "./patient.service.js";
import { PatientType } from "./patient.type.js";

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
  async cases(@Ctx() ctx: RequestContext, @Root() patient: PatientType): Promise<CaseType[]> {
    return (await casesOfPatient(ctx, patient.id)).map(({ row, view }) => CaseType.from(row, view));
  }

  @FieldResolver(() => [ConsentType])
  async consents(@Ctx() ctx: RequestContext, @Root() patient: PatientType): Promise<ConsentType[]> {
    return (await consentsOf(ctx, patient.id)).map(ConsentType.from);
  }

  @FieldResolver(() => [AccessLogEntryType], {
    description: "Who read or changed this patient's file, newest first (by when each entry began), as the patient reads it: for the patient themself and staff.",
  })
  accessLog(
    @Ctx() ctx: RequestContext,
    @Root() patient: PatientType,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last entry the client has: the page continues with older ones." }) after: string | null,
  ): Promise<AccessLogEntryType[]> {
    return accessLog(ctx, patient, first ?? 50, after ?? null);
  }
}
