import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { UserEntity } from "./user.entity.js";

/** A one-time link to set a password; only the SHA-256 of its token is kept. */
@Entity({ name: "account_invitation" })
@Unique("uq_account_invitation_token", ["tokenHash"])
@Index("ix_account_invitation_user", ["userId"])
export class AccountInvitationEntity {
  @UuidPrimary("account_invitation") id!: string;
  @Uuid() userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "fk_account_invitation_user" })
  user?: UserEntity;
  @Column({ type: "char", length: 64 }) tokenHash!: string;
  @Uuid() issuedByUserId!: string;
  @CreatedAt() createdAt!: Date;
  @Timestamp() expiresAt!: Date;
  @Timestamp({ nullable: true }) usedAt!: Date | null;
}
