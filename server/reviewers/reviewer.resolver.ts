import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { AssignmentStatus } from "../common/enums.js";
import { PAGES } from "../common/limits.js";
import { pageOf } from "../common/paging.js";
import { ReviewAssignmentType } from "../reviews/review-assignment.type.js";
import { assignmentsOfReviewer } from "../reviews/review.service.js";
import { listReviewers, updateReviewerProfile } from "../users/user.service.js";
import { ReviewerFilter, ReviewerProfileInput } from "./reviewer.input.js";
import { ReviewerType } from "./reviewer.type.js";

@Resolver(() => ReviewerType)
export class ReviewerResolver {
  @Query(() => [ReviewerType])
  async reviewers(@Ctx() ctx: RequestContext, @Arg("filter", () => ReviewerFilter, { nullable: true }) filter: ReviewerFilter | null): Promise<ReviewerType[]> {
    return (await listReviewers(ctx, filter)).map(ReviewerType.from);
  }

  @Mutation(() => ReviewerType)
  async updateReviewerProfile(
    @Ctx() ctx: RequestContext,
    @Arg("reviewerId", () => ID) reviewerId: string,
    @Arg("input") input: ReviewerProfileInput,
  ): Promise<ReviewerType> {
    return ReviewerType.from(await updateReviewerProfile(ctx, reviewerId, input));
  }

  @FieldResolver(() => String)
  async displayName(@Ctx() ctx: RequestContext, @Root() reviewer: ReviewerType): Promise<string> {
    return (await ctx.loaders.user.load(reviewer.userId))?.displayName ?? "";
  }

  @FieldResolver(() => [ReviewAssignmentType], { description: "Visible to the reviewer themself and to coordinators and admins." })
  async assignments(
    @Ctx() ctx: RequestContext,
    @Root() reviewer: ReviewerType,
    @Arg("status", () => [AssignmentStatus], { nullable: true }) status: AssignmentStatus[] | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: PAGES.reviewerAssignments.default, description: `At most ${PAGES.reviewerAssignments.max}.` }) first: number | null,
    @Arg("after", () => ID, { nullable: true, description: "The id of the last assignment of the previous page (newest first)." }) after: string | null,
  ): Promise<ReviewAssignmentType[]> {
    return (await assignmentsOfReviewer(ctx, reviewer.id, status, pageOf(PAGES.reviewerAssignments, first, after))).map((row) => ReviewAssignmentType.from(row, true));
  }
}
