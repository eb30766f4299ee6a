import { Field, ID, ObjectType } from "type-graphql";
import { open, type KeyRing } from "../auth/field-crypto.js";
import { Language } from "../common/enums.js";
import { DateScalar } from "../common/scalars.js";
import { Connection } from "../common/connection.type.js";

export interface LegalHoldFacts {
  reason: string;
  placedAt: Date;
  erasureRequested: boolean;
}

@ObjectType("Patient", { simpleResolvers: true })
export class PatientType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: "The patient's own account (see issueAccountInvitation)." }) userId!: string;
  @Field() fullName!: string;
  @Field(() => Language) preferredLanguage!: Language;

  /** Not in the schema: the sealed identifiers, opened only when a field asks for them (a list of names asks for neither). */
  keyRing!: KeyRing;
  dateOfBirthEnc!: string;
  healthCardNumberEnc!: string | null;
  /** Not in the schema: the legal hold's facts, shown to admins only (erasure/legal-hold.resolver.ts). */
  hold!: LegalHoldFacts | null;

  @Field(() => DateScalar)
  get dateOfBirth(): string {
    return open(this.keyRing, this.dateOfBirthEnc);
  }

  @Field(() => String, { nullable: true })
  get healthCardNumber(): string | null {
    return this.healthCardNumberEnc ? open(this.keyRing, this.healthCardNumberEnc) : null;
  }
}

@ObjectType("PatientConnection", { simpleResolvers: true })
export class PatientConnectionType extends Connection(PatientType, "PatientEdge") {}
