import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { ConsentScope, values } from "../common/enums.js";
import { PatientEntity } from "../patients/patient.entity.js";
import { UserEntity } from "../users/user.entity.js";

/** A patient's cross-border consent: given by the patient, or attested by staff from a signed form. */
@Entity({ name: "consent" })
@Index("ix_consent_patient", ["patientId"])
@Check("ck_consent_scope", oneOf("scope", values(ConsentScope)))
@Check("ck_consent_countries", `cardinality("destination_countries") > 0`)
@Check("ck_consent_revoked", `"revoked_at" IS NULL OR "revoked_at" >= "granted_at"`)
export class ConsentEntity {
  @UuidPrimary("consent") id!: string;
  @Uuid() patientId!: string;
  @ManyToOne(() => PatientEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "patient_id", foreignKeyConstraintName: "fk_consent_patient" })
  patient?: PatientEntity;
  @Column({ type: "varchar", length: 32 }) scope!: ConsentScope;
  @Column({ type: "varchar", length: 2, array: true }) destinationCountries!: string[];
  @Column({ type: "boolean" }) attestedByCoordinator!: boolean;
  @Uuid() recordedByUserId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "recorded_by_user_id", foreignKeyConstraintName: "fk_consent_recorded_by" })
  recordedBy?: UserEntity;
  @Timestamp({ default: () => "now()" }) grantedAt!: Date;
  @Timestamp({ nullable: true }) revokedAt!: Date | null;
  @Uuid({ nullable: true }) revokedByUserId!: string | null;
  @ManyToOne(() => UserEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "revoked_by_user_id", foreignKeyConstraintName: "fk_consent_revoked_by" })
  revokedBy?: UserEntity;
}
