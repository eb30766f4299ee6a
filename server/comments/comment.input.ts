import { IsEnum, IsOptional, IsUUID, Length } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { SummarySection } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";

@InputType()
export class AddCommentInput {
  @Field(() => ID) @IsUUID("all") caseId!: string;
  @Field(() => ID) @IsUUID("all") summaryId!: string;
  @Field(() => SummarySection) @IsEnum(SummarySection) section!: SummarySection;
  @Field() @Length(1, LIMITS.longText) body!: string;
  @Field(() => ID, {
    nullable: true,
    description: "Makes the comment a reply: to a comment of the same case and section that opened its thread (one level deep), not withdrawn.",
  })
  @IsOptional() @IsUUID("all") parentId?: string | null;
}
