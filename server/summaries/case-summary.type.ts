import { Field, ID, Int, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { Language } from "../common/enums.js";
import type { CaseSummaryEntity } from "./case-summary.entity.js";

@ObjectType("Biomarker", { simpleResolvers: true })
export class BiomarkerType {
  @Field() name!: string;
  @Field() result!: string;
}

@ObjectType("CaseSummary", { simpleResolvers: true })
export class CaseSummaryType {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
  @Field(() => Language) language!: Language;
  @Field(() => Date, { nullable: true }) publishedAt!: Date | null;
  @Field(() => String, { nullable: true }) primaryCancer!: string | null;
  @Field(() => String, { nullable: true }) histology!: string | null;
  @Field(() => String, { nullable: true }) stage!: string | null;
  @Field(() => [BiomarkerType]) biomarkers!: BiomarkerType[];
  @Field(() => Int, { nullable: true }) ecogPerformanceStatus!: number | null;
  @Field(() => String, { nullable: true }) treatmentHistory!: string | null;
  @Field(() => String, { nullable: true }) currentPlan!: string | null;
  @Field(() => [String]) questionsForReviewers!: string[];

  row!: CaseSummaryEntity;
  view!: CaseView;

  static from(row: CaseSummaryEntity, view: CaseView): CaseSummaryType {
    return Object.assign(new CaseSummaryType(), {
      id: row.id,
      version: row.version,
      language: row.language,
      publishedAt: row.publishedAt,
      primaryCancer: row.primaryCancer,
      histology: row.histology,
      stage: row.stage,
      biomarkers: row.biomarkers,
      ecogPerformanceStatus: row.ecogPerformanceStatus,
      treatmentHistory: row.treatmentHistory,
      currentPlan: row.currentPlan,
      questionsForReviewers: row.questionsForReviewers,
      row,
      view,
    });
  }
}
