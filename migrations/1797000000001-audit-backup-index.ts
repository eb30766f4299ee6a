import type { MigrationInterface, QueryRunner } from "typeorm";

/** The last backup's time without scanning the whole (ever-growing) audit trail on every metrics scrape. */
export class AuditBackupIndex1797000000001 implements MigrationInterface {
  name = "AuditBackupIndex1797000000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_audit_entry_backup_at" ON "audit_entry" ("at") WHERE "action" = 'BACKUP'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_audit_entry_backup_at"`);
  }
}
