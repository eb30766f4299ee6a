import { IsEmail, IsEnum, IsOptional, Length, Matches, MaxLength } from "class-validator";
import { Field, InputType } from "type-graphql";
import { Language } from "../common/enums.js";
import { LIMITS } from "../common/limits.js";
import { DateScalar } from "../common/scalars.js";

@InputType()
export class CreatePatientInput {
  @Field() @Length(1, LIMITS.name) fullName!: string;
  @Field(() => DateScalar) dateOfBirth!: Date;
  @Field() @IsEmail() @MaxLength(LIMITS.email) email!: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z0-9 -]{4,32}$/, { message: "must be 4 to 32 letters, digits, spaces or dashes" })
  healthCardNumber?: string | null;
  @Field(() => Language) @IsEnum(Language) preferredLanguage!: Language;
}
