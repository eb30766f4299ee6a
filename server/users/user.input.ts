import { IsEmail, IsEnum, IsOptional, Length, MaxLength, ValidateNested } from "class-validator";
import { Field, InputType } from "type-graphql";
import { Role } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";
import { ReviewerProfileInput } from "../reviewers/reviewer.input.js";

@InputType()
export class CreateUserInput {
  @Field() @IsEmail() @MaxLength(LIMITS.email) email!: string;
  @Field() @Length(1, LIMITS.name) displayName!: string;
  @Field(() => Role) @IsEnum(Role) role!: Role;
  @Field(() => ReviewerProfileInput, { nullable: true, description: "Required for REVIEWER." })
  @IsOptional()
  @ValidateNested()
  reviewer?: ReviewerProfileInput | null;
}
