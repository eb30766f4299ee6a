import { Entity, Index, PrimaryColumn } from "typeorm";
import { Timestamp } from "../db/columns.js";

/** Marks a signed document URL as spent, so each works exactly once. */
@Entity({ name: "used_url_token" })
@Index("ix_used_url_token_expires", ["expiresAt"])
export class UsedUrlTokenEntity {
  @PrimaryColumn({ type: "varchar", length: 64, primaryKeyConstraintName: "pk_used_url_token" }) jti!: string;
  @Timestamp() expiresAt!: Date;
}
