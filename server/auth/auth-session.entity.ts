import { Column, Entity, Index, JoinColumn, ManyToOne, Unique } from "typeorm";
import { CreatedAt, Timestamp, Uuid, UuidPrimary } from "../db/columns.js";
import { UserEntity } from "../users/user.entity.js";

/** One refresh token. Rotation marks it used and issues a sibling in the same family. */
@Entity({ name: "auth_session" })
@Unique("uq_auth_session_token", ["tokenHash"])
@Index("ix_auth_session_family", ["familyId"])
export class AuthSessionEntity {
  @UuidPrimary("auth_session") id!: string;
  @Uuid() userId!: string;
  @ManyToOne(() => UserEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "user_id", foreignKeyConstraintName: "fk_auth_session_user" })
  user?: UserEntity;
  @Uuid() familyId!: string;
  @Column({ type: "char", length: 64 }) tokenHash!: string;
  @CreatedAt() createdAt!: Date;
  @Timestamp() expiresAt!: Date;
  @Timestamp({ nullable: true }) usedAt!: Date | null;
  @Timestamp({ nullable: true }) revokedAt!: Date | null;
}
