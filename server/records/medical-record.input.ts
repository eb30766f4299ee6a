import { IsEnum, IsUUID, Length } from "class-validator";
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
