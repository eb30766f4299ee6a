import { Field, ID, ObjectType } from "type-graphql";
import { AssignmentStatus } from "../common/enums.js";
import type { ReviewAssignmentEntity } from "./review-assignment.entity.js";

@ObjectType("ReviewAssignment", { simpleResolvers: true })
export class ReviewAssignmentType {
  @Field(() => ID) id!: string;
  @Field(() => AssignmentStatus) status!: AssignmentStatus;
  @Field() invitedAt!: Date;
  @Field(() => Date, { nullable: true }) dueAt!: Date | null;
  @Field(() => String, { nullable: true }) opinion!: string | null;
  @Field(() => Date, { nullable: true }) submittedAt!: Date | null;
  @Field(() => String, { nullable: true }) declineReason!: string | null;

  row!: ReviewAssignmentEntity;

  /** `opinionVisible` is decided by the policy (canSeeOpinion) of whoever maps it. */
  static from(row: ReviewAssignmentEntity, opinionVisible: boolean): ReviewAssignmentType {
    return Object.assign(new ReviewAssignmentType(), {
      id: row.id,
      status: row.status,
      invitedAt: row.invitedAt,
      dueAt: row.dueAt,
      opinion: opinionVisible ? row.opinion : null,
      submittedAt: row.submittedAt,
      declineReason: opinionVisible ? row.declineReason : null,
      row,
    });
  }
}
