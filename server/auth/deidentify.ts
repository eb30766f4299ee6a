import { dateOfBirthForms } from "./identifier-dates.js";
import { nameForms } from "./identifier-names.js";
import { normalize, NUMBER_END, NUMBER_START, spelled, squash, WORD_START } from "./identifier-text.js";

/**
 * Pure checks that free text written for reviewers carries none of the patient's direct
 * identifiers, in the forms people write them. Text and identifiers are normalized alike
 * (identifier-text.ts: NFKC, case, accents, look-alike letters of other scripts); the name
 * forms are in identifier-names.ts, the date of birth's in identifier-dates.ts.
 */
export interface PatientIdentifiers {
  fullName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  email: string;
  healthCardNumber: string | null;
}

/** Regular expressions over normalized text, one per form an identifier takes. */
export type IdentifierPatterns = RegExp[];

/**
 * The email spelled out anywhere, and its local part when distinctive (digits or separators,
 * as in j.smith42, or long); a plain short word (patient@...) would forbid that word everywhere.
 */
function emailForms(email: string): string[] {
  const local = email.split("@")[0];
  const distinctive = /[^\p{L}]/u.test(local) || local.length >= 8;
  return [email, ...(distinctive ? [local] : [])].map(squash).filter((form) => form.length >= 4).map(spelled);
}

/**
 * The health card number with or without separators and version code (Ontario's
 * 1234-567-890-AB, 1234567890, 1234 567 890 ab): its letters and digits in order, as a whole
 * number (not a piece of a longer one).
 */
function healthCardForms(number: string | null): string[] {
  const core = squash(number ?? "").replace(/(?<=\p{N})\p{L}{1,2}$/u, "");
  if (core.length < 6) return [];
  const start = /^[0-9]/.test(core) ? NUMBER_START : WORD_START;
  return [start + spelled(core) + NUMBER_END];
}

export function identifierPatterns(identifiers: PatientIdentifiers): IdentifierPatterns {
  const forms = [
    ...nameForms(identifiers.fullName),
    ...dateOfBirthForms(identifiers.dateOfBirth),
    ...emailForms(identifiers.email),
    ...healthCardForms(identifiers.healthCardNumber),
  ];
  return forms.map((form) => new RegExp(form, "u"));
}

/** True when `text` contains one of the patient's identifiers in one of its forms. */
export function containsIdentifier(text: string, patterns: IdentifierPatterns): boolean {
  const normalized = normalize(text);
  return patterns.some((form) => form.test(normalized));
}
