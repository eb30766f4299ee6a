import { Field, ID, ObjectType } from "type-graphql";
import { Language } from "../common/enums.js";
import { DateScalar } from "../common/scalars.js";
import { Connection } from "../common/connection.type.js";

@ObjectType("Patient")
export class PatientType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The patient's own account (see issueAccountInvitation)." }) userId!: string;
  @Field() fullName!: string;
  @Field(() => DateScalar) dateOfBirth!: string;
  @Field(() => String, { nullable: true }) healthCardNumber!: string | null;
  @Field(() => Language) preferredLanguage!: Language;
}

@ObjectType("PatientConnection")
export class PatientConnectionType extends Connection(PatientType, "PatientEdge") {}
