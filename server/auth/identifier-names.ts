import { normalize, spelled, WORD_END, WORD_START, wordSequence, words } from "./identifier-text.js";

/**
 * The forms of a patient's name in free text. `Patient` holds one `fullName`, in Latin letters,
 * Han characters or both ("Wang Xiaoming 王小明"); which part is the surname is guessed.
 */

/** From this many letters a form is specific enough to be caught spelled out inside other text ("H o l l o w a y"). */
const SPELLED_FROM = 7;
/** From this many letters a surname is caught alone, as a whole word; shorter ones (Li, Wu, Ng, Lee) only after a title. */
const SURNAME_ALONE_FROM = 4;

// Normalized (lower case); a dot or a space follows, so "Mr" does not swallow the start of a word. "M." needs its dot.
const LATIN_TITLES = ["mr", "mrs", "ms", "mx", "miss", "mme", "mlle", "dr", "prof", "mister", "madam", "madame", "monsieur", "mademoiselle", "doctor", "professor"];
const LATIN_TITLE = `${WORD_START}(?:(?:${LATIN_TITLES.join("|")})(?:\\.\\s*|\\s+)|m\\.\\s*)`;
const HAN_TITLE = "\\s*(?:先生|女士|小姐)";

const letterCount = (parts: string[]) => parts.join("").length;

/** A name form as whole words, and spelled out anywhere once it is long enough. */
function wholeOrSpelled(parts: string[]): string[] {
  const forms = [WORD_START + wordSequence(parts) + WORD_END];
  if (letterCount(parts) >= SPELLED_FROM) forms.push(spelled(parts.join("")));
  return forms;
}

/** "Mrs Li", "M. Li", "Li 女士"; not an initial ("Dr J"). */
const titled = (surname: string[]) =>
  letterCount(surname) < 2 ? [] : [LATIN_TITLE + wordSequence(surname) + WORD_END, WORD_START + wordSequence(surname) + HAN_TITLE];

/**
 * Latin-letter names: the full name in its order, surname first ("Holloway, Margaret"), first
 * and last name without the middle ones; the last part as the surname, alone when long enough;
 * the first or last part after a title (names are stored in either order, "Wang Xiaoming").
 */
function latinForms(name: string): string[] {
  const parts = name.split(/\s+/).map(words).filter((part) => part.length > 0);
  if (parts.length === 0) return [];
  const first = parts[0];
  const last = parts[parts.length - 1];
  const forms = wholeOrSpelled(parts.flat());
  if (parts.length > 1) {
    forms.push(...wholeOrSpelled([...last, ...parts.slice(0, -1).flat()]), ...titled(first), ...titled(last));
    if (letterCount(last) >= SURNAME_ALONE_FROM) forms.push(...wholeOrSpelled(last));
  }
  if (parts.length > 2) forms.push(...wholeOrSpelled([...first, ...last]), ...wholeOrSpelled([...last, ...first]));
  return forms;
}

/**
 * Han names (2 to 4 characters, surname first): the whole name, and the surname after a title
 * (王先生, Mr 王). The surname is one character, or two for compound surnames (欧阳, 司马): with
 * three characters or more both are tried, since "王小先生" is no ordinary phrase.
 */
function hanForms(name: string): string[] {
  const runs = normalize(name).match(/\p{Script=Han}+/gu) ?? [];
  const han = runs.join("");
  if (han.length < 2) return [];
  const surnames = runs.length > 1 ? [runs[0]] : han.length > 2 ? [han.slice(0, 1), han.slice(0, 2)] : [han.slice(0, 1)];
  return [spelled(han), ...surnames.flatMap((surname) => [surname + HAN_TITLE, LATIN_TITLE + surname])];
}

/** Regular expressions (sources) over normalized text, one per form of the name. */
export function nameForms(fullName: string): string[] {
  const latin = fullName.replace(/\p{Script=Han}+/gu, " ");
  return [...new Set([...latinForms(latin), ...hanForms(fullName)])];
}
