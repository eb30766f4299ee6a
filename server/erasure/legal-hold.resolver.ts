import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { PatientType } from "../patients/patient.type.js";
import { legalHoldOf } from "./legal-hold.service.js";
import { LegalHoldType } from "./legal-hold.type.js";

@Resolver(() => PatientType)
export class LegalHoldResolver {
  @FieldResolver(() => LegalHoldType, { nullable: true, description: "Admins only: the legal hold standing on the patient; null when none stands, and always null for everyone else." })
  legalHold(@Ctx() ctx: RequestContext, @Root() patient: PatientType): LegalHoldType | null {
    return legalHoldOf(ctx, patient.hold);
  }
}
