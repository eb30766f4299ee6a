import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { CaseType } from "../cases/case.type.js";
import { CaseEventNode } from "./case-event.type.js";

@Resolver(() => CaseEventNode)
export class CaseEventResolver {
  /** An event is only ever handed to someone who may see its case, with that view. */
  @FieldResolver(() => CaseType)
  async case(@Ctx() ctx: RequestContext, @Root() event: CaseEventNode): Promise<CaseType> {
    const row = (await ctx.loaders.case.load(event.row.caseId))!;
    return CaseType.from(row, event.view);
  }
}
