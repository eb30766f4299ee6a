import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { SaveCaseSummaryInput } from "./case-summary.input.js";
import { CaseSummaryType } from "./case-summary.type.js";
import { isStale, publishCaseSummary, saveCaseSummary } from "./summary.service.js";

@Resolver(() => CaseSummaryType)
export class SummaryResolver {
  @Mutation(() => CaseSummaryType)
  async saveCaseSummary(@Ctx() ctx: RequestContext, @Arg("input") input: SaveCaseSummaryInput): Promise<CaseSummaryType> {
    return CaseSummaryType.from(await saveCaseSummary(ctx, input), "STAFF");
  }

  @Mutation(() => CaseSummaryType)
  async publishCaseSummary(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<CaseSummaryType> {
    const { row, view } = await publishCaseSummary(ctx, id);
    return CaseSummaryType.from(row, view);
  }

  @FieldResolver(() => CaseSummaryType, { nullable: true, description: "For a translation: the summary it translates." })
  async translationOf(@Ctx() ctx: RequestContext, @Root() summary: CaseSummaryType): Promise<CaseSummaryType | null> {
    if (!summary.row.translationOfId) return null;
    const source = await ctx.loaders.summary.load(summary.row.translationOfId);
    return source ? CaseSummaryType.from(source, summary.view) : null;
  }

  @FieldResolver(() => Boolean, { description: "For a translation: true when a newer version of its source has been published since." })
  stale(@Ctx() ctx: RequestContext, @Root() summary: CaseSummaryType): Promise<boolean> {
    return isStale(ctx, summary.row);
  }
}
