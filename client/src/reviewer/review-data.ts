import type { AssignmentStatus, Language, ReviewListAssignmentFragment, ReviewSummaryFragment, ReviewSummaryTextFragment, SummarySection } from "../generated/graphql";

/** The summary's sections in reading order; GENERAL is the summary as a whole (comments only). */
export const SECTIONS: SummarySection[] = ["GENERAL", "PRIMARY_CANCER", "HISTOLOGY", "STAGE", "BIOMARKERS", "PERFORMANCE_STATUS", "TREATMENT_HISTORY", "CURRENT_PLAN", "QUESTIONS"];

/** Assignments still waiting on the reviewer: an answer, or an opinion. */
const OPEN: AssignmentStatus[] = ["INVITED", "ACCEPTED"];

export const isOverdue = (assignment: { status: AssignmentStatus; dueAt?: string | null }, now = Date.now()) =>
  OPEN.includes(assignment.status) && !!assignment.dueAt && new Date(assignment.dueAt).getTime() < now;

/** Open assignments with a due date, soonest (most overdue) first; those the reviewer can no longer see are left out. */
export function dueDates(assignments: ReviewListAssignmentFragment[]): ReviewListAssignmentFragment[] {
  return assignments
    .filter((a) => a.case && a.dueAt && OPEN.includes(a.status))
    .sort((a, b) => new Date(a.dueAt!).getTime() - new Date(b.dueAt!).getTime());
}

/**
 * The language the reviewer reads the summary in: the interface's language when their profile
 * lists it, else the first language of their profile.
 */
export function readingLanguage(profileLanguages: readonly Language[], uiLanguage: string): Language {
  const ui: Language = uiLanguage === "zh" ? "ZH" : "EN";
  return profileLanguages.includes(ui) || profileLanguages.length === 0 ? ui : profileLanguages[0];
}

export interface SummaryPair {
  /** What the reviewer reads: the summary in their language, or the source when none exists yet. */
  mine: ReviewSummaryTextFragment;
  /** The source it translates, shown beside it; null when the reviewer reads the source itself. */
  source: ReviewSummaryTextFragment | null;
  stale: boolean;
  /** No summary in the reviewer's language yet: they read the source. */
  untranslated: boolean;
}

export function summaryPair(byLanguage: Record<Language, ReviewSummaryFragment | null | undefined>, language: Language): SummaryPair | null {
  const mine = byLanguage[language];
  if (mine) return { mine, source: mine.translationOf ?? null, stale: mine.stale, untranslated: false };
  const other = byLanguage[language === "EN" ? "ZH" : "EN"];
  if (!other) return null;
  // The other language's summary: show its source when it is a translation.
  const source = other.translationOf ?? other;
  return { mine: source, source: null, stale: false, untranslated: true };
}

/** A section's text, as lines; empty when the section has nothing. */
export function sectionText(summary: ReviewSummaryTextFragment, section: SummarySection, ecogLabel: (value: number) => string): string[] {
  switch (section) {
    case "PRIMARY_CANCER":
      return summary.primaryCancer ? [summary.primaryCancer] : [];
    case "HISTOLOGY":
      return summary.histology ? [summary.histology] : [];
    case "STAGE":
      return summary.stage ? [summary.stage] : [];
    case "BIOMARKERS":
      return summary.biomarkers.map((b) => `${b.name}: ${b.result}`);
    case "PERFORMANCE_STATUS":
      return summary.ecogPerformanceStatus === null || summary.ecogPerformanceStatus === undefined ? [] : [ecogLabel(summary.ecogPerformanceStatus)];
    case "TREATMENT_HISTORY":
      return summary.treatmentHistory ? [summary.treatmentHistory] : [];
    case "CURRENT_PLAN":
      return summary.currentPlan ? [summary.currentPlan] : [];
    case "QUESTIONS":
      return summary.questionsForReviewers;
    case "GENERAL":
      return [];
  }
}

/** The HTML lang of a text in one of the summary languages, so screen readers pronounce it right. */
export const htmlLang = (language: Language) => (language === "ZH" ? "zh-CN" : "en");
