import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { PAGES } from "../common/limits.js";
import { pageOf } from "../common/paging.js";
import { CaseType } from "../cases/case.type.js";
import { ConsentType } from "../consents/consent.type.js";
import { consentsOf } from "../consents/consent.service.js";
import { CreatePatientInput, UpdatePatientInput } from "./patient.input.js";
import { accessLog } from "../audit/access-log.service.js";
import { AccessLogEntryType } from "../audit/access-log.type.js";
import { casesOfPatient, createPatient, findVisiblePatient, toPatientType, updatePatient } from "./patient.service.js";
import { PatientConnectionType, PatientType } from "./patient.type.js";
import { listPatients } from "./patient-list.service.js";
import { toConnection } from "../common/connection.js";
import { exportPatientFile } from "./patient-export.service.js";

/** Patients are reached only by staff and by the patient themself (findVisiblePatient). */
@Resolver(() => PatientType)
export class PatientResolver {
  @Query(() => PatientType, { nullable: true })
  async patient(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<PatientType> {
    return toPatientType(ctx, await findVisiblePatient(ctx, id));
  }

  @Query(() => PatientConnectionType, { description: "Staff: patients, newest first; `search` matches part of the name, email or a case reference, ignoring case and accents." })
  async patients(
    @Ctx() ctx: RequestContext,
    @Arg("search", () => String, { nullable: true }) search: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<PatientConnectionType> {
    return toConnection(await listPatients(ctx, search, first ?? 20, after), (row) => toPatientType(ctx, row));
  }

  @Mutation(() => PatientType)
  async createPatient(@Ctx() ctx: RequestContext, @Arg("input") input: CreatePatientInput): Promise<PatientType> {
    return toPatientType(ctx, await createPatient(ctx, input));
  }

  @Mutation(() => PatientType, { description: "Staff: correct a patient's details; see UpdatePatientInput." })
  async updatePatient(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string, @Arg("input") input: UpdatePatientInput): Promise<PatientType> {
    return toPatientType(ctx, await updatePatient(ctx, id, input));
  }

  @Mutation(() => String, { description: "Returns a short-lived URL of an archive of the patient's whole file." })
  exportPatientFile(@Ctx() ctx: RequestContext, @Arg("patientId", () => ID) patientId: string): Promise<string> {
    return exportPatientFile(ctx, patientId);
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
