import type { MigrationInterface, QueryRunner } from "typeorm";

const TYPES_BEFORE = [
  "CASE_OPENED", "STATUS_CHANGED", "RECORD_ADDED", "RECORD_UPLOADED", "RECORD_SHARED", "RECORD_UPDATED", "RECORD_UNSHARED", "SUMMARY_PUBLISHED",
  "REVIEWER_INVITED", "INVITATION_ANSWERED", "INVITATION_CANCELLED", "REVIEW_SUBMITTED", "COMMENT_ADDED", "OPTION_PROPOSED", "OPTION_UPDATED",
  "CONSENT_GRANTED", "CONSENT_REVOKED",
];
const TYPES_AFTER = [...TYPES_BEFORE.slice(0, TYPES_BEFORE.indexOf("COMMENT_ADDED") + 1), "COMMENT_WITHDRAWN", ...TYPES_BEFORE.slice(TYPES_BEFORE.indexOf("COMMENT_ADDED") + 1)];
const typeCheck = (types: string[]) => `ALTER TABLE "case_event" ADD CONSTRAINT "ck_case_event_type" CHECK ("type" IN (${types.map((t) => `'${t}'`).join(", ")}))`;

/** A comment's author may withdraw it: its text is erased, its place in the thread kept, and a COMMENT_WITHDRAWN event written. */
export class CommentWithdrawn1796500000002 implements MigrationInterface {
  name = "CommentWithdrawn1796500000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "comment" ADD "withdrawn_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "comment" ADD CONSTRAINT "ck_comment_withdrawn" CHECK ("withdrawn_at" IS NULL OR "body" = '')`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(typeCheck(TYPES_AFTER));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "case_event" WHERE "type" = 'COMMENT_WITHDRAWN'`);
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(typeCheck(TYPES_BEFORE));
    await queryRunner.query(`ALTER TABLE "comment" DROP CONSTRAINT "ck_comment_withdrawn"`);
    await queryRunner.query(`ALTER TABLE "comment" DROP COLUMN "withdrawn_at"`);
  }
}
