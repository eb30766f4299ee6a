import { Field, ID, Int, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { Language, RecordKind } from "../common/enums.js";
import { DateScalar } from "../common/scalars.js";
import type { MedicalRecordEntity } from "./medical-record.entity.js";

@ObjectType("MedicalRecord", { simpleResolvers: true })
export class MedicalRecordType {
  @Field(() => ID) id!: string;
  @Field(() => RecordKind) kind!: RecordKind;
  @Field() title!: string;
  @Field(() => Language) language!: Language;
  @Field(() => DateScalar, { nullable: true }) documentDate!: string | null;
  @Field() receivedAt!: Date;
  @Field(() => String, { nullable: true, description: "Null until the document's bytes have been uploaded." }) contentType!: string | null;
  @Field(() => Int, { nullable: true }) sizeBytes!: number | null;
  @Field(() => String, { nullable: true }) sha256!: string | null;
  @Field({ description: "Whether reviewers may open the document (a coordinator confirmed it is redacted)." }) sharedWithReviewers!: boolean;

  row!: MedicalRecordEntity;
  view!: CaseView;

  static from(row: MedicalRecordEntity, view: CaseView): MedicalRecordType {
    return Object.assign(new MedicalRecordType(), {
      id: row.id,
      kind: row.kind,
      title: row.title,
      language: row.language,
      documentDate: row.documentDate,
      receivedAt: row.receivedAt,
      contentType: row.contentType,
      sizeBytes: row.sizeBytes,
      sha256: row.sha256,
      sharedWithReviewers: row.sharedWithReviewers,
      row,
      view,
    });
  }
}
