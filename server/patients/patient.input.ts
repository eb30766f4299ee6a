import { IsEmail, IsEnum, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { Language } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";
import { DateScalar } from "../common/scalars.js";

/** What a health card number may look like, whatever the province (the number is stored as given, trimmed). */
const HEALTH_CARD = /^[A-Za-z0-9 -]{4,32}$/;
const HEALTH_CARD_MESSAGE = "must be 4 to 32 letters, digits, spaces or dashes";

@InputType()
export class CreatePatientInput {
  @Field() @Length(1, LIMITS.name) fullName!: string;
  @Field(() => DateScalar) dateOfBirth!: Date;
  @Field() @IsEmail() @MaxLength(LIMITS.email) email!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(HEALTH_CARD, { message: HEALTH_CARD_MESSAGE })
  healthCardNumber?: string | null;
  @Field(() => Language) @IsEnum(Language) preferredLanguage!: Language;
}

/** The same checks as CreatePatientInput; an omitted field stays as it is, null clears healthCardNumber (the others cannot be cleared). */
@InputType()
export class UpdatePatientInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(1, LIMITS.name) fullName?: string | null;
  @Field(() => DateScalar, { nullable: true }) dateOfBirth?: Date | null;
  @Field(() => String, { nullable: true, description: "Also the email the patient signs in with." }) @IsOptional() @IsEmail() @MaxLength(LIMITS.email) email?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(HEALTH_CARD, { message: HEALTH_CARD_MESSAGE }) healthCardNumber?: string | null;
  @Field(() => Language, { nullable: true }) @IsOptional() @IsEnum(Language) preferredLanguage?: Language | null;
}
