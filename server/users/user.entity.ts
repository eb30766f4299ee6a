import { Check, Column, Entity, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, UuidPrimary } from "../db/columns.js";
import { Role, values } from "../common/enums.js";

@Entity({ name: "app_user" })
@Unique("uq_app_user_email", ["email"])
@Check("ck_app_user_role", oneOf("role", values(Role)))
@Check("ck_app_user_email_lower", `"email" = lower("email")`)
export class UserEntity {
  @UuidPrimary("app_user") id!: string;
  @Column({ type: "varchar", length: 254 }) email!: string;
  @Column({ type: "varchar", length: 16 }) role!: Role;
  @Column({ type: "varchar", length: 200 }) displayName!: string;
  /** Null until the owner activates the account. */
  @Column({ type: "text", nullable: true }) passwordHash!: string | null;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ nullable: true }) disabledAt!: Date | null;
}
