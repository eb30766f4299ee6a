import { ArrayMaxSize, IsEnum, IsInt, IsOptional, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { Language } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";

@InputType()
export class BiomarkerInput {
  @Field() @Length(1, LIMITS.name) name!: string;
  @Field() @Length(1, LIMITS.shortText) result!: string;
}

/** Omitted fields are copied from the previous version; an explicit null clears one. */
@InputType()
export class SaveCaseSummaryInput {
  @Field(() => ID) @IsUUID("all") caseId!: string;
  @Field(() => Language) @IsEnum(Language) language!: Language;
  @Field(() => ID, { nullable: true, description: "Set when this summary translates another (published) summary." })
  @IsOptional()
  @IsUUID("all")
  translationOfId?: string | null;
  @Field(() => Int, {
    nullable: true,
    description: "The version of this case's summary in this language that the edit is based on (0: there is none yet); a newer one answers CONFLICT. Omitted: not checked.",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.shortText) primaryCancer?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.shortText) histology?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.name) stage?: string | null;
  @Field(() => [BiomarkerInput], { nullable: true }) @IsOptional() @ArrayMaxSize(LIMITS.listItems) @ValidateNested({ each: true }) biomarkers?: BiomarkerInput[] | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(5) ecogPerformanceStatus?: number | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) treatmentHistory?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) currentPlan?: string | null;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(LIMITS.listItems) @Length(1, LIMITS.shortText, { each: true }) questionsForReviewers?: string[] | null;
}
