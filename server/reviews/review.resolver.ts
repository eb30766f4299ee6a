import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { CaseType } from "../cases/case.type.js";
import { noteCaseRead, viewOfCase } from "../cases/case-access.js";
import { ReviewerType } from "../reviewers/reviewer.type.js";
import { ReviewAssignmentType } from "./review-assignment.type.js";
import { cancelInvitation, inviteReviewer, respondToInvitation, submitReview } from "./review.service.js";

@Resolver(() => ReviewAssignmentType)
export class ReviewResolver {
  @Mutation(() => ReviewAssignmentType)
  async inviteReviewer(
    @Ctx() ctx: RequestContext,
    @Arg("caseId", () => ID) caseId: string,
    @Arg("reviewerId", () => ID) reviewerId: string,
    @Arg("dueAt", () => Date, { nullable: true }) dueAt: Date | null,
  ): Promise<ReviewAssignmentType> {
    return ReviewAssignmentType.from(await inviteReviewer(ctx, caseId, reviewerId, dueAt), true);
  }

  @Mutation(() => ReviewAssignmentType, { description: "Staff withdraw an invitation not yet answered (status CANCELLED); the reviewer then sees nothing of the case." })
  async cancelInvitation(@Ctx() ctx: RequestContext, @Arg("assignmentId", () => ID) assignmentId: string): Promise<ReviewAssignmentType> {
    return ReviewAssignmentType.from(await cancelInvitation(ctx, assignmentId), true);
  }

  @Mutation(() => ReviewAssignmentType)
  async respondToInvitation(
    @Ctx() ctx: RequestContext,
    @Arg("assignmentId", () => ID) assignmentId: string,
    @Arg("accept") accept: boolean,
    @Arg("reason", () => String, { nullable: true }) reason: string | null,
  ): Promise<ReviewAssignmentType> {
    return ReviewAssignmentType.from(await respondToInvitation(ctx, assignmentId, accept, reason), true);
  }

  @Mutation(() => ReviewAssignmentType)
  async submitReview(@Ctx() ctx: RequestContext, @Arg("assignmentId", () => ID) assignmentId: string, @Arg("opinion") opinion: string): Promise<ReviewAssignmentType> {
    return ReviewAssignmentType.from(await submitReview(ctx, assignmentId, opinion), true);
  }

  @FieldResolver(() => CaseType, { nullable: true, description: "Null when the viewer may no longer see the case (declined, case closed or withdrawn, consent revoked)." })
  async case(@Ctx() ctx: RequestContext, @Root() assignment: ReviewAssignmentType): Promise<CaseType | null> {
    const row = await ctx.loaders.case.load(assignment.row.caseId);
    const view = row ? await viewOfCase(ctx, row) : null;
    if (!row || !view) return null;
    noteCaseRead(ctx, row);
    return CaseType.from(row, view);
  }

  @FieldResolver(() => ReviewerType)
  async reviewer(@Ctx() ctx: RequestContext, @Root() assignment: ReviewAssignmentType): Promise<ReviewerType> {
    const reviewer = await ctx.loaders.reviewer.load(assignment.row.reviewerId);
    return ReviewerType.from(reviewer!);
  }
}
