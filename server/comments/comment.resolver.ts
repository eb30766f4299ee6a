import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { CaseSummaryType } from "../summaries/case-summary.type.js";
import { AddCommentInput } from "./comment.input.js";
import { addComment, visibleParent, withdrawComment } from "./comment.service.js";
import { CommentType } from "./comment.type.js";

@Resolver(() => CommentType)
export class CommentResolver {
  @Mutation(() => CommentType)
  async addComment(@Ctx() ctx: RequestContext, @Arg("input") input: AddCommentInput): Promise<CommentType> {
    const { row, view } = await addComment(ctx, input);
    return CommentType.from(row, view);
  }

  @Mutation(() => CommentType, { description: "The author withdraws their comment while the case is open; withdrawing it again changes nothing." })
  async withdrawComment(@Ctx() ctx: RequestContext, @Arg("id", () => ID) id: string): Promise<CommentType> {
    const { row, view } = await withdrawComment(ctx, id);
    return CommentType.from(row, view);
  }

  @FieldResolver(() => CaseSummaryType, { description: "The summary version the comment is anchored to." })
  async summary(@Ctx() ctx: RequestContext, @Root() comment: CommentType): Promise<CaseSummaryType> {
    const summary = await ctx.loaders.summary.load(comment.row.summaryId);
    return CaseSummaryType.from(summary!, comment.view);
  }

  @FieldResolver(() => String)
  async authorName(@Ctx() ctx: RequestContext, @Root() comment: CommentType): Promise<string> {
    return (await ctx.loaders.user.load(comment.row.authorUserId))?.displayName ?? "A former user";
  }

  @FieldResolver(() => CommentType, { nullable: true })
  async parent(@Ctx() ctx: RequestContext, @Root() comment: CommentType): Promise<CommentType | null> {
    const parent = await visibleParent(ctx, comment.row, comment.view);
    return parent ? CommentType.from(parent, comment.view) : null;
  }
}
