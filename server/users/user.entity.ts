import { BeforeInsert, BeforeUpdate, Check, Column, Entity, Index, Unique } from "typeorm";
import { CreatedAt, oneOf, Timestamp, UuidPrimary } from "../db/columns.js";
import { Role, values } from "../common/enums.js";
import { searchTextOf } from "../common/search.js";

@Entity({ name: "app_user" })
@Unique("uq_app_user_email", ["email"])
@Check("ck_app_user_role", oneOf("role", values(Role)))
@Check("ck_app_user_email_lower", `"email" = lower("email")`)
@Index("ix_app_user_created", ["createdAt", "id"])
// A trigram (pg_trgm) index on search_text, made by the migration: TypeORM cannot declare its operator class.
@Index("ix_app_user_search", { synchronize: false })
export class UserEntity {
  @UuidPrimary("app_user") id!: string;
  @Column({ type: "varchar", length: 254 }) email!: string;
  @Column({ type: "varchar", length: 16 }) role!: Role;
  @Column({ type: "varchar", length: 200 }) displayName!: string;
  /** Null until the owner activates the account. */
  @Column({ type: "text", nullable: true }) passwordHash!: string | null;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ nullable: true }) disabledAt!: Date | null;
  /** Display name and email folded for search (common/search.ts); recomputed on every save. */
  @Column({ type: "text" }) searchText!: string;

  @BeforeInsert()
  @BeforeUpdate()
  protected foldSearchText(): void {
    this.searchText = searchTextOf(this.displayName, this.email);
  }
}
