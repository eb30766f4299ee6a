import { BeforeInsert, BeforeUpdate, Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { Language, values } from "../common/enums.js";
import { searchTextOf } from "../common/search.js";
import { UserEntity } from "../users/user.entity.js";

/** Date of birth and health card number are stored encrypted (see server/auth/field-crypto). */
@Entity({ name: "patient" })
@Unique("uq_patient_user", ["userId"])
@Check("ck_patient_language", oneOf("preferred_language", values(Language)))
@Index("ix_patient_created", ["createdAt", "id"])
// A trigram (pg_trgm) index on search_text, made by the migration: TypeORM cannot declare its operator class.
@Index("ix_patient_search", { synchronize: false })
@Check("ck_patient_legal_hold", `("legal_hold_at" IS NULL) = ("legal_hold_reason" IS NULL) AND ("legal_hold_at" IS NULL) = ("legal_hold_by_user_id" IS NULL)`)
export class PatientEntity {
  @UuidPrimary("patient") id!: string;
  @Uuid() userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "fk_patient_user" })
  user?: UserEntity;
  @Column({ type: "varchar", length: 200 }) fullName!: string;
  @Column({ type: "text" }) dateOfBirthEnc!: string;
  @Column({ type: "text", nullable: true }) healthCardNumberEnc!: string | null;
  @Column({ type: "varchar", length: 2 }) preferredLanguage!: Language;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ nullable: true }) erasedAt!: Date | null;
  /** The full name folded for search (common/search.ts); recomputed on every save, only ever read by SQL. The email is the user's. */
  @Column({ type: "text", select: false }) searchText?: string;

  @BeforeInsert()
  @BeforeUpdate()
  protected foldSearchText(): void {
    this.searchText = searchTextOf(this.fullName);
  }
  /** An erasure asked for while a legal hold applied: it runs when the hold is lifted. */
  @Timestamp({ nullable: true }) erasureRequestedAt!: Date | null;
  /** An admin's legal hold: nothing of the patient is erased while it stands. */
  @Column({ type: "text", nullable: true }) legalHoldReason!: string | null;
  @Timestamp({ nullable: true }) legalHoldAt!: Date | null;
  @Uuid({ nullable: true }) legalHoldByUserId!: string | null;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "legal_hold_by_user_id", foreignKeyConstraintName: "fk_patient_legal_hold_by" })
  legalHoldBy?: UserEntity;
}
