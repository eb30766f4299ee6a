import { ArrayMaxSize, ArrayNotEmpty, IsEnum, IsUUID } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { ConsentScope } from "../common/enums.js";

@InputType()
export class RecordConsentInput {
  @Field(() => ID) @IsUUID("all") patientId!: string;
  @Field(() => ConsentScope) @IsEnum(ConsentScope) scope!: ConsentScope;
  /** Checked against ISO 3166-1 by the consent service. */
  @Field(() => [String]) @ArrayNotEmpty() @ArrayMaxSize(50) destinationCountries!: string[];
}
