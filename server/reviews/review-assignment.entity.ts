import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { AssignmentStatus, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { ReviewerEntity } from "../reviewers/reviewer.entity.js";

@Entity({ name: "review_assignment" })
@Unique("uq_review_assignment_case_reviewer", ["caseId", "reviewerId"])
@Index("ix_review_assignment_reviewer", ["reviewerId"])
@Check("ck_review_assignment_status", oneOf("status", values(AssignmentStatus)))
@Check("ck_review_assignment_submitted", `("status" = 'SUBMITTED') = ("submitted_at" IS NOT NULL AND "opinion" IS NOT NULL)`)
export class ReviewAssignmentEntity {
  @UuidPrimary("review_assignment") id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_review_assignment_case" })
  case?: CaseEntity;
  @Uuid() reviewerId!: string;
  @ManyToOne(() => ReviewerEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "reviewer_id", foreignKeyConstraintName: "fk_review_assignment_reviewer" })
  reviewer?: ReviewerEntity;
  @Column({ type: "varchar", length: 16 }) status!: AssignmentStatus;
  @Timestamp({ default: () => "now()" }) invitedAt!: Date;
  @Timestamp({ nullable: true }) dueAt!: Date | null;
  @Timestamp({ nullable: true }) respondedAt!: Date | null;
  @Column({ type: "text", nullable: true }) declineReason!: string | null;
  @Column({ type: "text", nullable: true }) opinion!: string | null;
  @Timestamp({ nullable: true }) submittedAt!: Date | null;
}
