import { IsEnum, IsOptional, IsUUID, Length, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { Complexity, PathwayKind } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";

@InputType()
export class ProposePathwayOptionInput {
  @Field(() => ID) @IsUUID("all") caseId!: string;
  @Field(() => PathwayKind) @IsEnum(PathwayKind) kind!: PathwayKind;
  @Field() @Length(1, LIMITS.title) title!: string;
  @Field() @Length(1, LIMITS.longText) description!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) evidence?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) eligibility?: string | null;
  @Field(() => Complexity) @IsEnum(Complexity) complexity!: Complexity;
}

/** Omitted fields keep their value; evidence and eligibility take null to clear them. */
@InputType()
export class UpdatePathwayOptionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, LIMITS.title) title?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, LIMITS.longText) description?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) evidence?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(LIMITS.longText) eligibility?: string | null;
  @Field(() => Complexity, { nullable: true }) @IsOptional() @IsEnum(Complexity) complexity?: Complexity | null;
}
