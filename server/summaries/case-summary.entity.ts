import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { Language, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { UserEntity } from "../users/user.entity.js";

export interface BiomarkerValue { name: string; result: string }

/** One version of a case's clinical summary in one language (mCODE-shaped). */
@Entity({ name: "case_summary" })
@Unique("uq_case_summary_version", ["caseId", "language", "version"])
@Index("ix_case_summary_translation_of", ["translationOfId"])
@Check("ck_case_summary_language", oneOf("language", values(Language)))
@Check("ck_case_summary_ecog", `"ecog_performance_status" IS NULL OR "ecog_performance_status" BETWEEN 0 AND 5`)
@Check("ck_case_summary_version", `"version" >= 1`)
export class CaseSummaryEntity {
  @UuidPrimary("case_summary") id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_case_summary_case" })
  case?: CaseEntity;
  @Column({ type: "varchar", length: 2 }) language!: Language;
  @Column({ type: "integer" }) version!: number;
  @Uuid({ nullable: true }) translationOfId!: string | null;
  @ManyToOne(() => CaseSummaryEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "translation_of_id", foreignKeyConstraintName: "fk_case_summary_translation_of" })
  translationOf?: CaseSummaryEntity;
  @Column({ type: "text", nullable: true }) primaryCancer!: string | null;
  @Column({ type: "text", nullable: true }) histology!: string | null;
  @Column({ type: "text", nullable: true }) stage!: string | null;
  @Column({ type: "jsonb", default: () => "'[]'" }) biomarkers!: BiomarkerValue[];
  @Column({ type: "smallint", nullable: true }) ecogPerformanceStatus!: number | null;
  @Column({ type: "text", nullable: true }) treatmentHistory!: string | null;
  @Column({ type: "text", nullable: true }) currentPlan!: string | null;
  @Column({ type: "jsonb", default: () => "'[]'" }) questionsForReviewers!: string[];
  @Uuid() createdByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "created_by_user_id", foreignKeyConstraintName: "fk_case_summary_created_by" })
  createdBy?: UserEntity;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ nullable: true }) publishedAt!: Date | null;
}
