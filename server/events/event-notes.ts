import { registerEnumType } from "type-graphql";
import { AssignmentStatus, CaseEventType, CaseStatus, OptionStatus } from "../common/enums.js";

/**
 * The notes the server itself writes on case events: one definition each, so the stored text
 * can be read back as a code and values that clients word in the reader's language. Old rows
 * need no migration: the text is recognised when the event is read.
 */
export enum CaseEventNoteCode {
  INVITATION_ACCEPTED = "INVITATION_ACCEPTED",
  INVITATION_DECLINED = "INVITATION_DECLINED",
  INVITED_AGAIN = "INVITED_AGAIN",
  CONSENT_COUNTRIES = "CONSENT_COUNTRIES",
  CONSENT_REVOKED_HOLD = "CONSENT_REVOKED_HOLD",
  OPTION_EDITED = "OPTION_EDITED",
  OPTION_STATUS_CHANGED = "OPTION_STATUS_CHANGED",
}
registerEnumType(CaseEventNoteCode, { name: "CaseEventNoteCode", description: "What a note the server wrote says; null for a person's own note." });

export const CONSENT_REVOKED_NOTE = "consent revoked";
const ACCEPTED = "accepted";
const DECLINED = "declined";

export const invitationAnsweredNote = (accept: boolean): string => (accept ? ACCEPTED : DECLINED);
export const invitedAgainNote = (previous: AssignmentStatus): string => `invited again (was ${previous})`;
export const consentCountriesNote = (countries: readonly string[]): string => countries.join(",");
export const optionEditedNote = (fields: readonly string[]): string => `edited: ${fields.join(", ")}`;
export const optionStatusNote = (from: OptionStatus, to: OptionStatus): string => `${from} -> ${to}`;

export interface ReadNote {
  code: CaseEventNoteCode;
  values: string[];
}

const alternatives = (values: object): string => Object.values(values).join("|");
const INVITED_AGAIN = new RegExp(`^invited again \\(was (${alternatives(AssignmentStatus)})\\)$`);
const COUNTRIES = /^[A-Z]{2}(,[A-Z]{2})*$/;
const EDITED = /^edited: ([a-zA-Z]+(, [a-zA-Z]+)*)$/;
const OPTION_STATUS = new RegExp(`^(${alternatives(OptionStatus)}) -> (${alternatives(OptionStatus)})$`);

/** The code and values of a note the server wrote for this event type; null for a person's note. */
export function readNote(type: CaseEventType, toStatus: CaseStatus | null, note: string | null): ReadNote | null {
  if (note === null) return null;
  let match: RegExpExecArray | null;
  switch (type) {
    case CaseEventType.INVITATION_ANSWERED:
      if (note === ACCEPTED) return { code: CaseEventNoteCode.INVITATION_ACCEPTED, values: [] };
      if (note === DECLINED) return { code: CaseEventNoteCode.INVITATION_DECLINED, values: [] };
      return null;
    case CaseEventType.REVIEWER_INVITED:
      return (match = INVITED_AGAIN.exec(note)) ? { code: CaseEventNoteCode.INVITED_AGAIN, values: [match[1]] } : null;
    case CaseEventType.CONSENT_GRANTED:
      return COUNTRIES.test(note) ? { code: CaseEventNoteCode.CONSENT_COUNTRIES, values: note.split(",") } : null;
    case CaseEventType.STATUS_CHANGED:
      return toStatus === CaseStatus.ON_HOLD && note === CONSENT_REVOKED_NOTE ? { code: CaseEventNoteCode.CONSENT_REVOKED_HOLD, values: [] } : null;
    case CaseEventType.OPTION_UPDATED:
      if ((match = EDITED.exec(note))) return { code: CaseEventNoteCode.OPTION_EDITED, values: match[1].split(", ") };
      return (match = OPTION_STATUS.exec(note)) ? { code: CaseEventNoteCode.OPTION_STATUS_CHANGED, values: [match[1], match[2]] } : null;
    default:
      return null;
  }
}
