import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { Language, RecordKind, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { UserEntity } from "../users/user.entity.js";

@Entity({ name: "medical_record" })
@Index("ix_medical_record_case", ["caseId", "receivedAt"])
@Check("ck_medical_record_kind", oneOf("kind", values(RecordKind)))
@Check("ck_medical_record_language", oneOf("language", values(Language)))
@Check("ck_medical_record_size", `"size_bytes" IS NULL OR "size_bytes" >= 0`)
@Check("ck_medical_record_uploaded", `("uploaded_at" IS NULL) = ("sha256" IS NULL)`)
@Check("ck_medical_record_shared", `NOT "shared_with_reviewers" OR "uploaded_at" IS NOT NULL`)
export class MedicalRecordEntity {
  @UuidPrimary("medical_record") id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_medical_record_case" })
  case?: CaseEntity;
  @Column({ type: "varchar", length: 32 }) kind!: RecordKind;
  @Column({ type: "varchar", length: 300 }) title!: string;
  @Column({ type: "varchar", length: 2 }) language!: Language;
  @Column({ type: "date", nullable: true }) documentDate!: string | null;
  @CreatedAt() receivedAt!: Date;
  @Uuid() addedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "added_by_user_id", foreignKeyConstraintName: "fk_medical_record_added_by" })
  addedBy?: UserEntity;
  @Column({ type: "varchar", length: 100, nullable: true }) contentType!: string | null;
  @Column({ type: "bigint", nullable: true, transformer: { to: (v) => v, from: (v) => (v === null ? null : Number(v)) } })
  sizeBytes!: number | null;
  @Column({ type: "char", length: 64, nullable: true }) sha256!: string | null;
  /** Where the document store keeps the (encrypted) bytes, with the key id, IV and tag. */
  @Column({ type: "jsonb", nullable: true }) storage!: Record<string, string> | null;
  @Timestamp({ nullable: true }) uploadedAt!: Date | null;
  @Column({ type: "boolean", default: false }) sharedWithReviewers!: boolean;
  @Timestamp({ nullable: true }) sharedAt!: Date | null;
}
