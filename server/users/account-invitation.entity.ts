import { Check, Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { UserEntity } from "./user.entity.js";

/** What a one-time account link is for: activating a new account, or resetting a forgotten password. */
export enum AccountLinkPurpose {
  ACTIVATION = "ACTIVATION",
  PASSWORD_RESET = "PASSWORD_RESET",
}

/**
 * A one-time link to set a password (an invitation or a password reset); only the SHA-256
 * of its token is kept. Issuing a link ends the user's earlier unused ones of that purpose.
 */
@Entity({ name: "account_invitation" })
@Unique("uq_account_invitation_token", ["tokenHash"])
@Index("ix_account_invitation_user", ["userId"])
@Check("ck_account_invitation_purpose", oneOf("purpose", Object.values(AccountLinkPurpose)))
export class AccountInvitationEntity {
  @UuidPrimary("account_invitation") id!: string;
  @Uuid() userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "fk_account_invitation_user" })
  user?: UserEntity;
  @Column({ type: "char", length: 64 }) tokenHash!: string;
  @Column({ type: "varchar", length: 16, default: AccountLinkPurpose.ACTIVATION }) purpose!: AccountLinkPurpose;
  /** Staff for an invitation; the user themself for a reset they asked for. */
  @Uuid() issuedByUserId!: string;
  @CreatedAt() createdAt!: Date;
  @Timestamp() expiresAt!: Date;
  @Timestamp({ nullable: true }) usedAt!: Date | null;
}
