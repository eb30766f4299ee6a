import type { MigrationInterface, QueryRunner } from "typeorm";

/** `cases` pages on (opened_at, id), which does not move while a client pages; updated_at did. */
export class CasesPagedByOpening1796300000003 implements MigrationInterface {
  name = "CasesPagedByOpening1796300000003";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_medical_case_updated"`);
    await queryRunner.query(`CREATE INDEX "ix_medical_case_opened" ON "medical_case" ("opened_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_medical_case_opened"`);
    await queryRunner.query(`CREATE INDEX "ix_medical_case_updated" ON "medical_case" ("updated_at", "id")`);
  }
}
