import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { CaseStatus, values } from "../common/enums.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { UserEntity } from "../users/user.entity.js";

@Entity({ name: "medical_case" })
@Unique("uq_medical_case_reference", ["reference"])
@Index("ix_medical_case_patient", ["patientId"])
// The order `cases` pages on: a key that does not move while a client pages.
@Index("ix_medical_case_opened", ["openedAt", "id"])
// A trigram (pg_trgm) index on reference for searches by part of it, made by the migration.
@Index("ix_medical_case_reference_search", { synchronize: false })
@Check("ck_medical_case_status", oneOf("status", values(CaseStatus)))
@Check("ck_medical_case_held_from", `("status" = 'ON_HOLD') = ("held_from" IS NOT NULL) AND ("held_from" IS NULL OR "held_from" NOT IN ('ON_HOLD', 'CLOSED', 'WITHDRAWN'))`)
@Check("ck_medical_case_version", `"version" >= 0`)
export class CaseEntity {
  @UuidPrimary("medical_case") id!: string;
  @Column({ type: "varchar", length: 32 }) reference!: string;
  @Uuid() patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "patient_id", foreignKeyConstraintName: "fk_medical_case_patient" })
  patient?: PatientEntity;
  @Column({ type: "varchar", length: 32 }) status!: CaseStatus;
  @Column({ type: "varchar", length: 32, nullable: true }) heldFrom!: CaseStatus | null;
  @Timestamp() statusSince!: Date;
  @Column({ type: "integer", default: 0 }) version!: number;
  @Column({ type: "text" }) reason!: string;
  @Column({ type: "varchar", length: 16, nullable: true }) patientAgeBand!: string | null;
  @Uuid() openedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "opened_by_user_id", foreignKeyConstraintName: "fk_medical_case_opened_by" })
  openedBy?: UserEntity;
  @CreatedAt() openedAt!: Date;
  @Timestamp() updatedAt!: Date;
  /** When options were first delivered; which ones the patient has is each option's deliveredAt. */
  @Timestamp({ nullable: true }) optionsDeliveredAt!: Date | null;
  /** Erased (the patient's erasure, or retention): the row stays so its events keep their numbers; no one sees it. */
  @Timestamp({ nullable: true }) erasedAt!: Date | null;
}
