import { Column, Entity, PrimaryColumn } from "typeorm";
import { CreatedAt } from "./columns.js";

/** Secrets generated outside production, kept in the database so every process shares them. */
@Entity({ name: "app_secret" })
export class AppSecretEntity {
  @PrimaryColumn({ type: "varchar", length: 64, primaryKeyConstraintName: "pk_app_secret" }) name!: string;
  @Column({ type: "text" }) value!: string;
  @CreatedAt() createdAt!: Date;
}
