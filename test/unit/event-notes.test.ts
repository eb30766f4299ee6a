import { AssignmentStatus, CaseEventType, CaseStatus, OptionStatus } from "../../server/common/enums";
import {
  CaseEventNoteCode,
  CONSENT_REVOKED_NOTE,
  consentCountriesNote,
  invitationAnsweredNote,
  invitedAgainNote,
  optionEditedNote,
  optionStatusNote,
  readNote,
} from "../../server/events/event-notes";

/** Every note the server writes is read back as its code and values, so clients can word it; a person's note is not. */
test("each builder's text is recognised back", () => {
  expect(readNote(CaseEventType.INVITATION_ANSWERED, null, invitationAnsweredNote(true))).toEqual({ code: CaseEventNoteCode.INVITATION_ACCEPTED, values: [] });
  expect(readNote(CaseEventType.INVITATION_ANSWERED, null, invitationAnsweredNote(false))).toEqual({ code: CaseEventNoteCode.INVITATION_DECLINED, values: [] });
  expect(readNote(CaseEventType.REVIEWER_INVITED, null, invitedAgainNote(AssignmentStatus.DECLINED))).toEqual({ code: CaseEventNoteCode.INVITED_AGAIN, values: ["DECLINED"] });
  expect(readNote(CaseEventType.CONSENT_GRANTED, null, consentCountriesNote(["CN", "US"]))).toEqual({ code: CaseEventNoteCode.CONSENT_COUNTRIES, values: ["CN", "US"] });
  expect(readNote(CaseEventType.STATUS_CHANGED, CaseStatus.ON_HOLD, CONSENT_REVOKED_NOTE)).toEqual({ code: CaseEventNoteCode.CONSENT_REVOKED_HOLD, values: [] });
  expect(readNote(CaseEventType.OPTION_UPDATED, null, optionEditedNote(["description", "evidence", "complexity"]))).toEqual({
    code: CaseEventNoteCode.OPTION_EDITED,
    values: ["description", "evidence", "complexity"],
  });
  expect(readNote(CaseEventType.OPTION_UPDATED, null, optionStatusNote(OptionStatus.PROPOSED, OptionStatus.SET_ASIDE))).toEqual({
    code: CaseEventNoteCode.OPTION_STATUS_CHANGED,
    values: ["PROPOSED", "SET_ASIDE"],
  });
});

test("rows written before the builders read the same (no migration)", () => {
  expect(readNote(CaseEventType.OPTION_UPDATED, null, "edited: description, evidence, complexity")?.code).toBe(CaseEventNoteCode.OPTION_EDITED);
  expect(readNote(CaseEventType.STATUS_CHANGED, CaseStatus.ON_HOLD, "consent revoked")?.code).toBe(CaseEventNoteCode.CONSENT_REVOKED_HOLD);
});

test("a person's note, or machine-like text on another event type, is not a code", () => {
  expect(readNote(CaseEventType.STATUS_CHANGED, CaseStatus.ON_HOLD, "Waiting for the pathology report")).toBeNull();
  expect(readNote(CaseEventType.STATUS_CHANGED, CaseStatus.TRANSLATION, CONSENT_REVOKED_NOTE)).toBeNull();
  expect(readNote(CaseEventType.STATUS_CHANGED, CaseStatus.ON_HOLD, null)).toBeNull();
  expect(readNote(CaseEventType.INVITATION_ANSWERED, null, "accepted, will reply by Friday")).toBeNull();
  expect(readNote(CaseEventType.REVIEWER_INVITED, null, "invited again (was NONSENSE)")).toBeNull();
  expect(readNote(CaseEventType.CONSENT_GRANTED, null, "China and the US")).toBeNull();
  expect(readNote(CaseEventType.OPTION_UPDATED, null, "PROPOSED -> SOMETHING")).toBeNull();
  expect(readNote(CaseEventType.COMMENT_ADDED, null, "accepted")).toBeNull();
});
