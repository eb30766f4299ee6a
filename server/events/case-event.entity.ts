import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { oneOf, Timestamp, Uuid } from "../db/columns.js";
import { CaseEventType, CaseStatus, values } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";

/** The transactional outbox: one row per change to a case; within a case, ids follow commit order (see outbox.ts). */
@Entity({ name: "case_event" })
@Index("ix_case_event_case", ["caseId", "id"])
@Index("ix_case_event_tx", ["txId"])
@Check("ck_case_event_type", oneOf("type", values(CaseEventType)))
@Check("ck_case_event_from", oneOf("from_status", values(CaseStatus), true))
@Check("ck_case_event_to", oneOf("to_status", values(CaseStatus), true))
export class CaseEventEntity {
  @PrimaryGeneratedColumn("identity", { type: "bigint", primaryKeyConstraintName: "pk_case_event", generatedIdentity: "ALWAYS" })
  /** bigint: node-postgres hands it over as a string, which is what the ID scalar wants. */
  id!: string;
  @Uuid() caseId!: string;
  @ManyToOne(() => CaseEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "case_id", foreignKeyConstraintName: "fk_case_event_case" })
  case?: CaseEntity;
  @Column({ type: "varchar", length: 32 }) type!: CaseEventType;
  @Timestamp({ default: () => "now()" }) at!: Date;
  @Column({ type: "varchar", length: 32, nullable: true }) fromStatus!: CaseStatus | null;
  @Column({ type: "varchar", length: 32, nullable: true }) toStatus!: CaseStatus | null;
  @Column({ type: "text", nullable: true }) note!: string | null;
  /** Who caused it; kept as a bare id so events outlive an erased account. */
  @Uuid({ nullable: true }) actorUserId!: string | null;
  /** The object the event is about (record, assignment, option...), by id. */
  @Uuid({ nullable: true }) subjectId!: string | null;
  /** The writing transaction's id (pg_current_xact_id, as a bigint): the outbox reader takes an event once every transaction up to it has ended. */
  @Column({ type: "bigint", default: () => "current_transaction_id()" }) txId!: string;
}
