import type { MigrationInterface, QueryRunner } from "typeorm";

/** Appends each status's net change from the statement's transition tables. */
const appendChange = (change: string) => `
  INSERT INTO case_status_count (status, cases)
  SELECT status, sum(delta) FROM (${change}) d GROUP BY status HAVING sum(delta) <> 0`;

/**
 * The number of live (not erased) cases per status, as the sum of its rows: each statement that
 * changes cases appends its net change per status (statement triggers, in the changing
 * transaction), so that a list's total is a sum over a few rows rather than a count over every
 * case (the dashboard's cost would otherwise grow with the number of cases). Appending, never
 * updating, shares no row between writers: transactions changing cases in any order neither
 * wait on nor deadlock with each other. compactCaseCounts (server/cases/case-counts.ts) folds
 * the rows from time to time. TRUNCATE empties the counts with the cases. Backups copy the table
 * in the same snapshot as the cases it counts.
 */
export class CaseStatusCount1797500000001 implements MigrationInterface {
  name = "CaseStatusCount1797500000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "case_status_count" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "status" character varying(32) NOT NULL, "cases" integer NOT NULL, CONSTRAINT "pk_case_status_count" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`
      CREATE FUNCTION "count_case_statuses"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${appendChange("SELECT status, 1 AS delta FROM entering WHERE erased_at IS NULL")};
        ELSIF TG_OP = 'DELETE' THEN ${appendChange("SELECT status, -1 AS delta FROM leaving WHERE erased_at IS NULL")};
        ELSIF TG_OP = 'UPDATE' THEN ${appendChange("SELECT status, 1 AS delta FROM entering WHERE erased_at IS NULL UNION ALL SELECT status, -1 FROM leaving WHERE erased_at IS NULL")};
        ELSE DELETE FROM case_status_count;
        END IF;
        RETURN NULL;
      END $$`);
    // No case may change between the first count and the triggers taking over.
    await queryRunner.query(`LOCK TABLE "medical_case" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`INSERT INTO "case_status_count" ("status", "cases") SELECT "status", count(*) FROM "medical_case" WHERE "erased_at" IS NULL GROUP BY "status"`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_insert" AFTER INSERT ON "medical_case" REFERENCING NEW TABLE AS entering FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_update" AFTER UPDATE ON "medical_case" REFERENCING OLD TABLE AS leaving NEW TABLE AS entering FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_delete" AFTER DELETE ON "medical_case" REFERENCING OLD TABLE AS leaving FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_truncate" AFTER TRUNCATE ON "medical_case" FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ["insert", "update", "delete", "truncate"]) await queryRunner.query(`DROP TRIGGER "trg_case_status_count_${event}" ON "medical_case"`);
    await queryRunner.query(`DROP FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`DROP TABLE "case_status_count"`);
  }
}
