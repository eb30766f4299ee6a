import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { requestErasure } from "./erasure.service.js";
import { liftLegalHold, placeLegalHold } from "./legal-hold.service.js";

@Resolver()
export class ErasureResolver {
  @Mutation(() => Boolean, { description: "Erases the patient's identifiers and documents once no legal hold applies; true when done." })
  requestErasure(@Ctx() ctx: RequestContext, @Arg("patientId", () => ID) patientId: string): Promise<boolean> {
    return requestErasure(ctx, patientId);
  }

  @Mutation(() => Boolean, { description: "Admins: defers every erasure of the patient (requested or by retention) until lifted. Always true." })
  placeLegalHold(@Ctx() ctx: RequestContext, @Arg("patientId", () => ID) patientId: string, @Arg("reason") reason: string): Promise<boolean> {
    return placeLegalHold(ctx, patientId, reason);
  }

  @Mutation(() => Boolean, { description: "Admins: lifts the legal hold; an erasure requested under it runs now. True when that erasure ran." })
  liftLegalHold(@Ctx() ctx: RequestContext, @Arg("patientId", () => ID) patientId: string): Promise<boolean> {
    return liftLegalHold(ctx, patientId);
  }
}
