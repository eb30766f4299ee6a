/** Lengths that inputs may not exceed; the database columns agree. */
export const LIMITS = {
  name: 200,
  email: 254,
  title: 300,
  shortText: 2000,
  longText: 20000,
  listItems: 50,
  healthCard: 32,
} as const;

/**
 * Page sizes of the lists that grow with use: the size when `first` is not given and the
 * most it may ask. The cost limit (server/schema/cost.ts) multiplies a list's selection by
 * the same numbers, so nested lists are paid for at their size.
 */
export const PAGES = {
  cases: { default: 20, max: 100 },
  caseComments: { default: 100, max: 200 },
  caseEvents: { default: 100, max: 500 },
  caseRecords: { default: 100, max: 200 },
  caseOptions: { default: 20, max: 100 },
  caseAssignments: { default: 20, max: 100 },
  caseSummaries: { default: 50, max: 100 },
  patientCases: { default: 20, max: 100 },
  patientConsents: { default: 20, max: 100 },
  patientAccessLog: { default: 50, max: 500 },
  reviewerAssignments: { default: 50, max: 200 },
} as const;
