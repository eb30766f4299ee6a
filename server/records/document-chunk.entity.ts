import { Check, Column, Entity, PrimaryColumn } from "typeorm";
import { Timestamp } from "../db/columns.js";

/** One piece of a document's encrypted bytes in the PostgreSQL document store, in order by `seq`. */
@Entity({ name: "document_chunk" })
@Check("ck_document_chunk_seq", `"seq" >= 0`)
export class DocumentChunkEntity {
  @PrimaryColumn({ type: "varchar", length: 200, primaryKeyConstraintName: "pk_document_chunk" }) key!: string;
  @PrimaryColumn({ type: "integer", primaryKeyConstraintName: "pk_document_chunk" }) seq!: number;
  @Column({ type: "bytea" }) bytes!: Buffer;
  /** When the chunk was written: a partial upload left by a crash is swept once untouched for long enough. */
  @Timestamp({ default: () => "now()" }) writtenAt!: Date;
}
