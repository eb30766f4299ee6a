import type { MigrationInterface, QueryRunner } from "typeorm";

/** Adds each status's net change from the statement's transition tables, in status order. */
const applyChange = (change: string) => `
  INSERT INTO case_status_count AS k (status, cases)
  SELECT status, sum(delta) FROM (${change}) d GROUP BY status HAVING sum(delta) <> 0 ORDER BY status
  ON CONFLICT (status) DO UPDATE SET cases = k.cases + EXCLUDED.cases`;

/**
 * The number of live (not erased) cases per status, kept by statement triggers in the
 * transaction that changes the cases, so that a list's total is a read of at most nine rows
 * rather than a count over every case (the dashboard's cost would otherwise grow with the
 * number of cases). Each statement applies its net change per status in one insert, taking
 * the counter rows in status order, so statements changing cases side by side (a transition,
 * an erasure of many cases) wait on each other rather than deadlock. Backups copy the table in
 * the same snapshot as the cases it counts.
 */
export class CaseStatusCount1797500000001 implements MigrationInterface {
  name = "CaseStatusCount1797500000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "case_status_count" ("status" character varying(32) NOT NULL, "cases" integer NOT NULL, CONSTRAINT "pk_case_status_count" PRIMARY KEY ("status"))`);
    await queryRunner.query(`
      CREATE FUNCTION "count_case_statuses"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${applyChange("SELECT status, 1 AS delta FROM entering WHERE erased_at IS NULL")};
        ELSIF TG_OP = 'DELETE' THEN ${applyChange("SELECT status, -1 AS delta FROM leaving WHERE erased_at IS NULL")};
        ELSE ${applyChange("SELECT status, 1 AS delta FROM entering WHERE erased_at IS NULL UNION ALL SELECT status, -1 FROM leaving WHERE erased_at IS NULL")};
        END IF;
        RETURN NULL;
      END $$`);
    // No case may change between the first count and the triggers taking over.
    await queryRunner.query(`LOCK TABLE "medical_case" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`INSERT INTO "case_status_count" ("status", "cases") SELECT "status", count(*) FROM "medical_case" WHERE "erased_at" IS NULL GROUP BY "status"`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_insert" AFTER INSERT ON "medical_case" REFERENCING NEW TABLE AS entering FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_update" AFTER UPDATE ON "medical_case" REFERENCING OLD TABLE AS leaving NEW TABLE AS entering FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`CREATE TRIGGER "trg_case_status_count_delete" AFTER DELETE ON "medical_case" REFERENCING OLD TABLE AS leaving FOR EACH STATEMENT EXECUTE FUNCTION "count_case_statuses"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of ["insert", "update", "delete"]) await queryRunner.query(`DROP TRIGGER "trg_case_status_count_${event}" ON "medical_case"`);
    await queryRunner.query(`DROP FUNCTION "count_case_statuses"()`);
    await queryRunner.query(`DROP TABLE "case_status_count"`);
  }
}
