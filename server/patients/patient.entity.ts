import { Check, Column, Entity, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { Language, values } from "../common/enums.js";
import { UserEntity } from "../users/user.entity.js";

/** Date of birth and health card number are stored encrypted (see server/auth/field-crypto). */
@Entity({ name: "patient" })
@Unique("uq_patient_user", ["userId"])
@Check("ck_patient_language", oneOf("preferred_language", values(Language)))
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
}
