import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { AddMedicalRecordInput, UpdateMedicalRecordInput } from "./medical-record.input.js";
import { MedicalRecordType } from "./medical-record.type.js";
import { addMedicalRecord, downloadUrl, shareRecordWithReviewers, unshareRecord, updateMedicalRecord, uploadUrl } from "./record.service.js";

@Resolver(() => MedicalRecordType)
export class RecordResolver {
  @Mutation(() => MedicalRecordType)
  async addMedicalRecord(@Ctx() ctx: RequestContext, @Arg("input") input: AddMedicalRecordInput): Promise<MedicalRecordType> {
    const { row, view } = await addMedicalRecord(ctx, input);
    return MedicalRecordType.from(row, view);
  }

  @Mutation(() => MedicalRecordType)
  async shareRecordWithReviewers(
    @Ctx() ctx: RequestContext,
    @Arg("id", () => ID) id: string,
    @Arg("redactionConfirmed") redactionConfirmed: boolean,
  ): Promise<MedicalRecordType> {
    const { row, view } = await shareRecordWithReviewers(ctx, id, redactionConfirmed);
    return MedicalRecordType.from(row, view);
  }

  @Mutation(() => MedicalRecordType, { description: "Changes a record's title or kind: coordinators any record, a patient those they added, while the case is open." })
  async updateMedicalRecord(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string, @Arg("input") input: UpdateMedicalRecordInput): Promise<MedicalRecordType> {
    const { row, view } = await updateMedicalRecord(ctx, id, input);
    return MedicalRecordType.from(row, view);
  }

  @Mutation(() => MedicalRecordType, { description: "Takes a record back from the reviewers: they no longer see or download it." })
  async unshareRecord(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<MedicalRecordType> {
    const { row, view } = await unshareRecord(ctx, id);
    return MedicalRecordType.from(row, view);
  }

  @FieldResolver(() => String, { nullable: true, description: "Short-lived URL for one HTTP PUT of the bytes; only for the uploader, only while nothing is uploaded." })
  uploadUrl(@Ctx() ctx: RequestContext, @Root() record: MedicalRecordType): Promise<string | null> {
    return uploadUrl(ctx, record);
  }

  @FieldResolver(() => String, { nullable: true, description: "Short-lived URL for one HTTP GET of the bytes; null for viewers who may not open it." })
  downloadUrl(@Ctx() ctx: RequestContext, @Root() record: MedicalRecordType): Promise<string | null> {
    return downloadUrl(ctx, record);
  }
}
