import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Each event records the id of the transaction that wrote it (pg_current_xact_id as a
 * bigint), so the outbox reader can tell which events are final without a global lock:
 * every transaction below the snapshot's xmin has ended (server/events/outbox-listener.ts).
 * Rows already there get this migration's transaction id, which has ended by then.
 */
export class CaseEventTxId1797300000001 implements MigrationInterface {
  name = "CaseEventTxId1797300000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    // A function, so the default reads the same to TypeORM's schema diff (which drops casts) as it is declared.
    await queryRunner.query(`CREATE FUNCTION "current_transaction_id"() RETURNS bigint LANGUAGE sql VOLATILE AS 'SELECT pg_current_xact_id()::text::bigint'`);
    await queryRunner.query(`ALTER TABLE "case_event" ADD "tx_id" bigint NOT NULL DEFAULT current_transaction_id()`);
    await queryRunner.query(`CREATE INDEX "ix_case_event_tx" ON "case_event" ("tx_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_case_event_tx"`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP COLUMN "tx_id"`);
    await queryRunner.query(`DROP FUNCTION "current_transaction_id"()`);
  }
}
