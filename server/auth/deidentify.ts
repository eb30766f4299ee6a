/**
 * Pure checks that free text written for reviewers carries none of the patient's
 * direct identifiers. Matching ignores case, spacing and punctuation, so
 * "SMITH, j" or "1234 567 890" are caught as well as the exact spelling.
 */
export interface PatientIdentifiers {
  fullName: string;
  dateOfBirth: string;
  email: string;
  healthCardNumber: string | null;
}

// NFKC before lowercasing, so compatibility forms that fold to capitals (e.g. "𝐒𝐌𝐈𝐓𝐇") are lowered too;
// invisible format characters (soft hyphen, zero-width space) are dropped like spacing.
const squash = (text: string) => text.normalize("NFKC").toLowerCase().replace(/[\s\p{P}\p{S}\p{Cf}]+/gu, "");

/**
 * An email's local part identifies on its own when it is distinctive (digits or
 * separators, as in j.smith42, or long); a plain short word (patient@...) would
 * forbid that word everywhere.
 */
function distinctiveLocalPart(email: string): string[] {
  const local = email.split("@")[0];
  return /[^\p{L}]/u.test(local) || local.length >= 8 ? [local] : [];
}

/** The fragments that would identify the patient if they appeared in shared text. */
export function identifyingFragments(identifiers: PatientIdentifiers): string[] {
  const names = identifiers.fullName.split(/\s+/).filter((part) => part.length >= 3);
  const [year, month, day] = identifiers.dateOfBirth.split("-");
  const fragments = [
    identifiers.fullName,
    ...(names.length > 1 ? [names[names.length - 1]] : []),
    identifiers.email,
    ...distinctiveLocalPart(identifiers.email),
    `${year}${month}${day}`,
    `${day}${month}${year}`,
    `${month}${day}${year}`,
    identifiers.healthCardNumber ?? "",
  ];
  // Shorter fragments (a two-letter surname) would match ordinary clinical words.
  return [...new Set(fragments.map(squash).filter((fragment) => fragment.length >= 4))];
}

/** True when `text` contains one of the fragments. */
export function containsIdentifier(text: string, fragments: string[]): boolean {
  const haystack = squash(text);
  return fragments.some((fragment) => haystack.includes(fragment));
}
