import { ArrayMaxSize, IsEnum, IsOptional, IsUUID, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { CaseStatus } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";

@InputType()
export class CaseFilter {
  @Field(() => [CaseStatus], { nullable: true }) @IsOptional() @ArrayMaxSize(20) @IsEnum(CaseStatus, { each: true }) status?: CaseStatus[] | null;
  @Field(() => String, { nullable: true, description: "Matches the case reference (and, for coordinators, the patient's name)." })
  @IsOptional()
  @Length(1, LIMITS.name)
  search?: string | null;
}

@InputType()
export class OpenCaseInput {
  @Field(() => ID) @IsUUID("all") patientId!: string;
  @Field({ description: "The question the patient wants answered, in their words." }) @Length(1, LIMITS.shortText) reason!: string;
}
