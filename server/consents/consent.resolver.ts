import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { RecordConsentInput } from "./consent.input.js";
import { recordConsent, revokeConsent } from "./consent.service.js";
import { ConsentType } from "./consent.type.js";

@Resolver(() => ConsentType)
export class ConsentResolver {
  @Mutation(() => ConsentType)
  async recordConsent(@Ctx() ctx: RequestContext, @Arg("input") input: RecordConsentInput): Promise<ConsentType> {
    return ConsentType.from(await recordConsent(ctx, input));
  }

  @Mutation(() => ConsentType)
  async revokeConsent(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<ConsentType> {
    return ConsentType.from(await revokeConsent(ctx, id));
  }
}
