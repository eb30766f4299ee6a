import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which options reached the patient: once option mapping can be reopened after a delivery,
 * the case's delivery date alone no longer says which options the patient keeps.
 */
export class OptionDeliveredAt1796300000001 implements MigrationInterface {
  name = "OptionDeliveredAt1796300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "pathway_option" ADD "delivered_at" TIMESTAMP WITH TIME ZONE`);
    // What patients of already delivered cases see today: the options selected for presentation.
    await queryRunner.query(
      `UPDATE "pathway_option" o SET "delivered_at" = c."options_delivered_at" FROM "medical_case" c
        WHERE c."id" = o."case_id" AND c."options_delivered_at" IS NOT NULL AND o."status" = 'SELECTED_FOR_PRESENTATION'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "pathway_option" DROP COLUMN "delivered_at"`);
  }
}
