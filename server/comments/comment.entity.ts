import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { SummarySection, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { CaseSummaryEntity } from "../summaries/case-summary.entity.js";
import { UserEntity } from "../users/user.entity.js";

/** A threaded comment anchored to one section of one summary version. */
@Entity({ name: "comment" })
@Index("ix_comment_case", ["caseId", "createdAt"])
@Check("ck_comment_section", oneOf("section", values(SummarySection)))
@Check("ck_comment_withdrawn", `"withdrawn_at" IS NULL OR "body" = ''`)
export class CommentEntity {
  @UuidPrimary("comment") id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_comment_case" })
  case?: CaseEntity;
  @Uuid() summaryId!: string;
  @ManyToOne(() => CaseSummaryEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "summary_id", foreignKeyConstraintName: "fk_comment_summary" })
  summary?: CaseSummaryEntity;
  @Column({ type: "varchar", length: 32 }) section!: SummarySection;
  @Column({ type: "text" }) body!: string;
  @Uuid() authorUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "author_user_id", foreignKeyConstraintName: "fk_comment_author" })
  author?: UserEntity;
  @Uuid({ nullable: true }) parentId!: string | null;
  @ManyToOne(() => CommentEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "parent_id", foreignKeyConstraintName: "fk_comment_parent" })
  parent?: CommentEntity;
  @CreatedAt() createdAt!: Date;
  /** Set when its author withdrew it; the body is then erased (the comment keeps its place in the thread). */
  @Timestamp({ nullable: true }) withdrawnAt!: Date | null;
}
