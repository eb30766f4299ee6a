import { ArrayMaxSize, ArrayNotEmpty, IsEnum, IsOptional, Length, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import { Language } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";

export const COUNTRY_FORMAT = /^[A-Z]{2}$/;

@InputType()
export class ReviewerProfileInput {
  @Field() @Length(1, LIMITS.name) institution!: string;
  @Field({ description: "ISO 3166-1 alpha-2, upper case." }) @Matches(COUNTRY_FORMAT, { message: "must be an ISO 3166-1 alpha-2 code in upper case" }) country!: string;
  @Field(() => [String]) @ArrayMaxSize(LIMITS.listItems) @Length(1, LIMITS.name, { each: true }) specialties!: string[];
  @Field(() => [Language]) @ArrayNotEmpty() @IsEnum(Language, { each: true }) languages!: Language[];
}

@InputType()
export class ReviewerFilter {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, LIMITS.name) specialty?: string | null;
  @Field(() => Language, { nullable: true }) @IsOptional() @IsEnum(Language) language?: Language | null;
}
