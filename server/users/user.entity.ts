import { BeforeInsert, BeforeUpdate, Check, Column, Entity, Index, Unique, VirtualColumn } from "typeorm";
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
  /**
   * Null until the owner activates the account. Never read unless asked for (select: false, and
   * plain reads leave it out): only signing in and changing the password look at it
   * (auth.service.ts userWithPasswordHash); everything else reads `activated`.
   */
  @Column({ type: "text", nullable: true, select: false }) passwordHash?: string | null;
  /** Whether the owner has set a password, computed in the read. */
  @VirtualColumn({ type: "boolean", query: (alias) => `SELECT ${alias}.password_hash IS NOT NULL` }) activated!: boolean;
  @CreatedAt() createdAt!: Date;
  @Timestamp({ nullable: true }) disabledAt!: Date | null;
  /** Display name and email folded for search (common/search.ts); recomputed on every save, only ever read by SQL. */
  @Column({ type: "text", select: false }) searchText?: string;

  @BeforeInsert()
  @BeforeUpdate()
  protected foldSearchText(): void {
    this.searchText = searchTextOf(this.displayName, this.email);
  }
}
