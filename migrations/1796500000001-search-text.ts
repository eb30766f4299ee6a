import type { MigrationInterface, QueryRunner } from "typeorm";
import { searchTextOf } from "../server/common/search.js";

/**
 * Accent- and case-insensitive search of patients and users: a search column folded by the
 * application (server/common/search.ts), trigram-indexed so that a part of a name, email
 * or case reference is found without reading every row. pg_trgm ships with PostgreSQL
 * (the embedded one included) and is a trusted extension (PostgreSQL 13+): the owner of a
 * managed database may create it without being a superuser.
 */
export class SearchText1796500000001 implements MigrationInterface {
  name = "SearchText1796500000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`ALTER TABLE "app_user" ADD "search_text" text`);
    await queryRunner.query(`ALTER TABLE "patient" ADD "search_text" text`);
    await this.fold(queryRunner, "app_user", `SELECT id, display_name, email FROM app_user`, (row) => searchTextOf(row.display_name, row.email));
    await this.fold(queryRunner, "patient", `SELECT id, full_name FROM patient`, (row) => searchTextOf(row.full_name));
    await queryRunner.query(`ALTER TABLE "app_user" ALTER COLUMN "search_text" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "patient" ALTER COLUMN "search_text" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "ix_app_user_search" ON "app_user" USING gin ("search_text" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_patient_search" ON "patient" USING gin ("search_text" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_medical_case_reference_search" ON "medical_case" USING gin ("reference" gin_trgm_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_app_user_created" ON "app_user" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "ix_patient_created" ON "patient" ("created_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_patient_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_app_user_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_medical_case_reference_search"`);
    await queryRunner.query(`DROP INDEX "public"."ix_patient_search"`);
    await queryRunner.query(`DROP INDEX "public"."ix_app_user_search"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "search_text"`);
    await queryRunner.query(`ALTER TABLE "app_user" DROP COLUMN "search_text"`);
    // Without CASCADE: refused, rather than done, when other objects have come to use pg_trgm.
    await queryRunner.query(`DROP EXTENSION IF EXISTS pg_trgm`);
  }

  /** Folds existing rows in batches, in the application's way (the same function every later save uses). */
  private async fold(queryRunner: QueryRunner, table: string, select: string, fold: (row: Record<string, string>) => string): Promise<void> {
    const rows: Array<Record<string, string>> = await queryRunner.query(select);
    for (let i = 0; i < rows.length; i += 1000) {
      const batch = rows.slice(i, i + 1000);
      await queryRunner.query(`UPDATE "${table}" t SET "search_text" = v.search_text FROM unnest($1::uuid[], $2::text[]) AS v(id, search_text) WHERE t.id = v.id`, [
        batch.map((row) => row.id),
        batch.map(fold),
      ]);
    }
  }
}
