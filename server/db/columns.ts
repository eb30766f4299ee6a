import { Column, CreateDateColumn, PrimaryGeneratedColumn, type ColumnOptions } from "typeorm";

/** Shared column shapes so every table spells them the same way. */
export const UuidPrimary = (table: string) => PrimaryGeneratedColumn("uuid", { primaryKeyConstraintName: `pk_${table}` });
export const CreatedAt = () => CreateDateColumn({ type: "timestamptz" });
export const Timestamp = (options: ColumnOptions = {}) => Column({ type: "timestamptz", ...options });
export const Uuid = (options: ColumnOptions = {}) => Column({ type: "uuid", ...options });

/** SQL for a CHECK that a column holds one of the given values. */
export function oneOf(column: string, values: readonly string[], nullable = false): string {
  const list = values.map((v) => `'${v}'`).join(", ");
  return nullable ? `"${column}" IS NULL OR "${column}" IN (${list})` : `"${column}" IN (${list})`;
}
