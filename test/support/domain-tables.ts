/** The domain's tables: what a refused change must leave exactly as it was (audit, sessions, login limits and spent URL tokens may change). */
export const DOMAIN_TABLES = [
  "app_user",
  "patient",
  "reviewer",
  "medical_case",
  "medical_record",
  "case_summary",
  "review_assignment",
  "comment",
  "pathway_option",
  "consent",
  "case_event",
  "account_invitation",
] as const;
