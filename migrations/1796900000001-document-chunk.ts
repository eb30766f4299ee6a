import type { MigrationInterface, QueryRunner } from "typeorm";

/** The PostgreSQL document store (MERIDIAN_DOCUMENT_STORE=postgres): encrypted documents in ordered chunks. */
export class DocumentChunk1796900000001 implements MigrationInterface {
  name = "DocumentChunk1796900000001";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "document_chunk" (
      "key" character varying(200) NOT NULL,
      "seq" integer NOT NULL,
      "bytes" bytea NOT NULL,
      "written_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "ck_document_chunk_seq" CHECK ("seq" >= 0),
      CONSTRAINT "pk_document_chunk" PRIMARY KEY ("key", "seq")
    )`);
    // The chunks are already encrypted: compressing them in TOAST would only cost time.
    await queryRunner.query(`ALTER TABLE "document_chunk" ALTER COLUMN "bytes" SET STORAGE EXTERNAL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "document_chunk"`);
  }
}
