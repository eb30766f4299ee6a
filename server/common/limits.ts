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
