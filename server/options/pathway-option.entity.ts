import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { Complexity, OptionStatus, PathwayKind, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { UserEntity } from "../users/user.entity.js";

@Entity({ name: "pathway_option" })
@Index("ix_pathway_option_case", ["caseId", "createdAt"])
@Check("ck_pathway_option_kind", oneOf("kind", values(PathwayKind)))
@Check("ck_pathway_option_complexity", oneOf("complexity", values(Complexity)))
@Check("ck_pathway_option_status", oneOf("status", values(OptionStatus)))
export class PathwayOptionEntity {
  @UuidPrimary("pathway_option") id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_pathway_option_case" })
  case?: CaseEntity;
  @Column({ type: "varchar", length: 32 }) kind!: PathwayKind;
  @Column({ type: "varchar", length: 300 }) title!: string;
  @Column({ type: "text" }) description!: string;
  @Column({ type: "text", nullable: true }) evidence!: string | null;
  @Column({ type: "text", nullable: true }) eligibility!: string | null;
  @Column({ type: "varchar", length: 8 }) complexity!: Complexity;
  @Column({ type: "varchar", length: 32 }) status!: OptionStatus;
  @Uuid() proposedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "proposed_by_user_id", foreignKeyConstraintName: "fk_pathway_option_proposed_by" })
  proposedBy?: UserEntity;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ default: () => "now()" }) updatedAt!: Date;
  /** Set when the option reached the patient in a delivery; the next delivery replaces it. */
  @Timestamp({ nullable: true }) deliveredAt!: Date | null;
}
