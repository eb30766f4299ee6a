import { IsEnum, IsOptional, IsUUID, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { Language, RecordKind } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";
import { DateScalar } from "../common/scalars.js";

@InputType()
export class AddMedicalRecordInput {
  @Field(() => ID) @IsUUID("all") caseId!: string;
  @Field(() => RecordKind) @IsEnum(RecordKind) kind!: RecordKind;
  @Field() @Length(1, LIMITS.title) title!: string;
  @Field(() => Language) @IsEnum(Language) language!: Language;
  @Field(() => DateScalar, { nullable: true }) documentDate?: Date | null;
}

@InputType({ description: "What to change in a record; omitted fields stay as they are." })
export class UpdateMedicalRecordInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, LIMITS.title) title?: string | null;
  @Field(() => RecordKind, { nullable: true }) @IsOptional() @IsEnum(RecordKind) kind?: RecordKind | null;
}
