import type { SaveCaseSummaryInput, SummaryFieldsFragment } from "../generated/graphql";

/** The structured summary (after mCODE) as the editor holds it: every section as text. */
export interface SummaryDraft {
  primaryCancer: string;
  histology: string;
  stage: string;
  ecogPerformanceStatus: string;
  treatmentHistory: string;
  currentPlan: string;
  biomarkers: Array<{ name: string; result: string }>;
  questionsForReviewers: string[];
}

export const TEXT_SECTIONS = ["primaryCancer", "histology", "stage", "treatmentHistory", "currentPlan"] as const;
export const LONG_SECTIONS = new Set<string>(["treatmentHistory", "currentPlan"]);

export function draftOf(summary: SummaryFieldsFragment | null | undefined): SummaryDraft {
  return {
    primaryCancer: summary?.primaryCancer ?? "",
    histology: summary?.histology ?? "",
    stage: summary?.stage ?? "",
    ecogPerformanceStatus: summary?.ecogPerformanceStatus === null || summary?.ecogPerformanceStatus === undefined ? "" : String(summary.ecogPerformanceStatus),
    treatmentHistory: summary?.treatmentHistory ?? "",
    currentPlan: summary?.currentPlan ?? "",
    biomarkers: summary?.biomarkers.map(({ name, result }) => ({ name, result })) ?? [],
    questionsForReviewers: summary?.questionsForReviewers ?? [],
  };
}

/** Every section sent explicitly: an emptied section is cleared (null), not kept from the last version. */
export function inputOf(draft: SummaryDraft): Omit<SaveCaseSummaryInput, "caseId" | "language"> {
  const text = (value: string) => (value.trim() ? value.trim() : null);
  return {
    primaryCancer: text(draft.primaryCancer),
    histology: text(draft.histology),
    stage: text(draft.stage),
    ecogPerformanceStatus: draft.ecogPerformanceStatus === "" ? null : Number(draft.ecogPerformanceStatus),
    treatmentHistory: text(draft.treatmentHistory),
    currentPlan: text(draft.currentPlan),
    biomarkers: draft.biomarkers.filter((b) => b.name.trim() && b.result.trim()).map((b) => ({ name: b.name.trim(), result: b.result.trim() })),
    questionsForReviewers: draft.questionsForReviewers.map((q) => q.trim()).filter(Boolean),
  };
}

/** The newest version of a case's summaries in one language (source or translation). */
export function newest(summaries: SummaryFieldsFragment[], language: "EN" | "ZH", published = false): SummaryFieldsFragment | null {
  return (
    summaries
      .filter((s) => s.language === language && (!published || s.publishedAt !== null))
      .reduce<SummaryFieldsFragment | null>((best, s) => (best === null || s.version > best.version ? s : best), null)
  );
}
