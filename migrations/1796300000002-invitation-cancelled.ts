import type { MigrationInterface, QueryRunner } from "typeorm";

/** Staff may cancel an invitation not yet answered: a CANCELLED assignment and an INVITATION_CANCELLED event. */
export class InvitationCancelled1796300000002 implements MigrationInterface {
  name = "InvitationCancelled1796300000002";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "review_assignment" DROP CONSTRAINT "ck_review_assignment_status"`);
    await queryRunner.query(
      `ALTER TABLE "review_assignment" ADD CONSTRAINT "ck_review_assignment_status" CHECK ("status" IN ('INVITED', 'ACCEPTED', 'DECLINED', 'SUBMITTED', 'CANCELLED'))`,
    );
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(
      `ALTER TABLE "case_event" ADD CONSTRAINT "ck_case_event_type" CHECK ("type" IN ('CASE_OPENED', 'STATUS_CHANGED', 'RECORD_ADDED', 'RECORD_UPLOADED', 'RECORD_SHARED', 'SUMMARY_PUBLISHED', 'REVIEWER_INVITED', 'INVITATION_ANSWERED', 'INVITATION_CANCELLED', 'REVIEW_SUBMITTED', 'COMMENT_ADDED', 'OPTION_PROPOSED', 'OPTION_UPDATED', 'CONSENT_GRANTED', 'CONSENT_REVOKED'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "case_event" DROP CONSTRAINT "ck_case_event_type"`);
    await queryRunner.query(
      `ALTER TABLE "case_event" ADD CONSTRAINT "ck_case_event_type" CHECK ("type" IN ('CASE_OPENED', 'STATUS_CHANGED', 'RECORD_ADDED', 'RECORD_UPLOADED', 'RECORD_SHARED', 'SUMMARY_PUBLISHED', 'REVIEWER_INVITED', 'INVITATION_ANSWERED', 'REVIEW_SUBMITTED', 'COMMENT_ADDED', 'OPTION_PROPOSED', 'OPTION_UPDATED', 'CONSENT_GRANTED', 'CONSENT_REVOKED'))`,
    );
    await queryRunner.query(`ALTER TABLE "review_assignment" DROP CONSTRAINT "ck_review_assignment_status"`);
    await queryRunner.query(
      `ALTER TABLE "review_assignment" ADD CONSTRAINT "ck_review_assignment_status" CHECK ("status" IN ('INVITED', 'ACCEPTED', 'DECLINED', 'SUBMITTED'))`,
    );
  }
}
