import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Erasure and legal holds: a patient's pending erasure request and the admin's hold that
 * defers it; an erased case keeps its row (ids, status, dates: its events stay numbered)
 * with every text gone, and is marked so no one sees it again.
 */
export class ErasureAndLegalHold1796800000001 implements MigrationInterface {
  name = "ErasureAndLegalHold1796800000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "patient" ADD "erasure_requested_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "patient" ADD "legal_hold_reason" text`);
    await queryRunner.query(`ALTER TABLE "patient" ADD "legal_hold_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "patient" ADD "legal_hold_by_user_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "patient" ADD CONSTRAINT "ck_patient_legal_hold" CHECK (("legal_hold_at" IS NULL) = ("legal_hold_reason" IS NULL) AND ("legal_hold_at" IS NULL) = ("legal_hold_by_user_id" IS NULL))`,
    );
    await queryRunner.query(
      `ALTER TABLE "patient" ADD CONSTRAINT "fk_patient_legal_hold_by" FOREIGN KEY ("legal_hold_by_user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "medical_case" ADD "erased_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "medical_case" DROP COLUMN "erased_at"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP CONSTRAINT "fk_patient_legal_hold_by"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP CONSTRAINT "ck_patient_legal_hold"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "legal_hold_by_user_id"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "legal_hold_at"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "legal_hold_reason"`);
    await queryRunner.query(`ALTER TABLE "patient" DROP COLUMN "erasure_requested_at"`);
  }
}
