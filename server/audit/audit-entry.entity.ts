import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { oneOf, Timestamp, Uuid } from "../db/columns.js";
import { Role, values } from "../common/enums.js";

/** Append-only (a trigger refuses UPDATE and DELETE); holds ids, never names, so it outlives an erasure. */
@Entity({ name: "audit_entry" })
@Index("ix_audit_entry_patient", ["patientId", "id"])
// The metrics scrape reads the time of the last backup: a partial index keeps that constant as the trail grows.
@Index("ix_audit_entry_backup_at", ["at"], { where: `"action" = 'BACKUP'` })
@Check("ck_audit_entry_outcome", oneOf("outcome", ["ALLOWED", "DENIED"]))
@Check("ck_audit_entry_role", oneOf("actor_role", values(Role), true))
export class AuditEntryEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", primaryKeyConstraintName: "pk_audit_entry", generatedIdentity: "ALWAYS" })
  id!: string;
  @Timestamp({ default: () => "now()" }) at!: Date;
  @Uuid({ nullable: true }) actorUserId!: string | null;
  @Column({ type: "varchar", length: 16, nullable: true }) actorRole!: Role | null;
  @Column({ type: "varchar", length: 64 }) action!: string;
  @Column({ type: "varchar", length: 32 }) objectType!: string;
  @Column({ type: "varchar", length: 64, nullable: true }) objectId!: string | null;
  @Uuid({ nullable: true }) patientId!: string | null;
  @Column({ type: "varchar", length: 64, nullable: true }) requestId!: string | null;
  @Column({ type: "varchar", length: 64, nullable: true }) clientAddress!: string | null;
  @Column({ type: "varchar", length: 8 }) outcome!: "ALLOWED" | "DENIED";
}
