import type { MigrationInterface, QueryRunner } from "typeorm";

/** When a case's options were first delivered: the patient keeps them even if the case is withdrawn later. */
export class OptionsDeliveredAt1795100000000 implements MigrationInterface {
  name = "OptionsDeliveredAt1795100000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "medical_case" ADD "options_delivered_at" TIMESTAMP WITH TIME ZONE`);
    // Cases already delivered (or closed after delivery) keep what their patients were shown.
    await queryRunner.query(
      `UPDATE "medical_case" SET "options_delivered_at" = "status_since" WHERE "status" IN ('OPTIONS_DELIVERED', 'CLOSED') OR "held_from" = 'OPTIONS_DELIVERED'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "medical_case" DROP COLUMN "options_delivered_at"`);
  }
}
