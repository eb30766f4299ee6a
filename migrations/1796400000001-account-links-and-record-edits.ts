import type { MigrationInterface, QueryRunner } from "typeorm";

const EVENT_TYPES_BEFORE = ["CASE_OPENED", "STATUS_CHANGED", "RECORD_ADDED", "RECORD_UPLOADED", "RECORD_SHARED", "SUMMARY_PUBLISHED", "REVIEWER_INVITED", "INVITATION_ANSWERED", "INVITATION_CANCELLED", "REVIEW_SUBMITTED", "COMMENT_ADDED", "OPTION_PROPOSED", "OPTION_UPDATED", "CONSENT_GRANTED", "CONSENT_REVOKED"];
const EVENT_TYPES_AFTER = [...EVENT_TYPES_BEFORE.slice(0, 5), "RECORD_UPDATED", "RECORD_UNSHARED", ...EVENT_TYPES_BEFORE.slice(5)];
const list = (values: string[]) => values.map((v) => `'${v}'`).join(", ");

/**
 * Account links get a purpose (activation, or a password reset through the same one-time
 * mechanism); case events gain RECORD_UPDATED (a record's title or kind edited) and
 * RECORD_UNSHARED (a record taken back from the reviewers).
 */
export class AccountLinksAndRecordEdits1796400000001 implements MigrationInterface {
  name = "AccountLinksAndRecordEdits1796400000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_invitation" ADD "purpose" character varying(16) NOT NULL DEFAULT 'ACTIVATION'`);
    await queryRunner.query(`ALTER TABLE "account_invitation" ADD CONSTRAINT "ck_account_invitation_purpose" CHECK ("purpose" IN ('ACTIVATION', 'PASSWORD_RESET'))`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(`ALTER TABLE "case_event" ADD CONSTRAINT "ck_case_event_type" CHECK ("type" IN (${list(EVENT_TYPES_AFTER)}))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "case_event" WHERE "type" IN ('RECORD_UPDATED', 'RECORD_UNSHARED')`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(`ALTER TABLE "case_event" ADD CONSTRAINT "ck_case_event_type" CHECK ("type" IN (${list(EVENT_TYPES_BEFORE)}))`);
    await queryRunner.query(`ALTER TABLE "account_invitation" DROP CONSTRAINT "ck_account_invitation_purpose"`);
    await queryRunner.query(`DELETE FROM "account_invitation" WHERE "purpose" <> 'ACTIVATION'`);
    await queryRunner.query(`ALTER TABLE "account_invitation" DROP COLUMN "purpose"`);
  }
}
