import { ACCESS_KIND_OF_ACTION, describeAccess, READ_ACTIONS, SHOWN_ACTIONS, type AuditAction } from "../../server/audit/access-log";
import { canSeeEvent } from "../../server/auth/policy";
import { AccessKind, CaseEventType, Language, Role } from "../../server/common/enums";

/** The case event each action writes: the access log shows an action exactly when the patient sees its event. */
const EVENT_OF_ACTION: Partial<Record<AuditAction, CaseEventType>> = {
  OPEN_CASE: CaseEventType.CASE_OPENED,
  TRANSITION_CASE: CaseEventType.STATUS_CHANGED,
  ADD_RECORD: CaseEventType.RECORD_ADDED,
  UPLOAD_DOCUMENT: CaseEventType.RECORD_UPLOADED,
  SHARE_RECORD: CaseEventType.RECORD_SHARED,
  PUBLISH_SUMMARY: CaseEventType.SUMMARY_PUBLISHED,
  INVITE_REVIEWER: CaseEventType.REVIEWER_INVITED,
  ACCEPT_INVITATION: CaseEventType.INVITATION_ANSWERED,
  DECLINE_INVITATION: CaseEventType.INVITATION_ANSWERED,
  SUBMIT_REVIEW: CaseEventType.REVIEW_SUBMITTED,
  ADD_COMMENT: CaseEventType.COMMENT_ADDED,
  PROPOSE_OPTION: CaseEventType.OPTION_PROPOSED,
  SET_OPTION_STATUS: CaseEventType.OPTION_UPDATED,
  RECORD_CONSENT: CaseEventType.CONSENT_GRANTED,
  REVOKE_CONSENT: CaseEventType.CONSENT_REVOKED,
};

test("the access log shows an action exactly when the patient sees the event it writes", () => {
  for (const [action, type] of Object.entries(EVENT_OF_ACTION)) {
    expect([action, SHOWN_ACTIONS.includes(action as AuditAction)]).toEqual([action, canSeeEvent("OWNER", { type })]);
  }
  expect(SHOWN_ACTIONS).not.toEqual(expect.arrayContaining(["ADD_COMMENT"]));
  expect(READ_ACTIONS).toEqual(["READ_CASE", "READ_PATIENT"]);
});

test("every kind has words in both languages", () => {
  const actor = { name: "Dr Wang", role: Role.REVIEWER, institution: "Shanghai Cancer Center", country: "CN", isPatient: false };
  const kinds = new Set(Object.values(ACCESS_KIND_OF_ACTION).filter((kind) => kind !== null));
  expect(kinds).toEqual(new Set(Object.values(AccessKind)));
  for (const kind of kinds) {
    for (const language of Object.values(Language)) {
      const words = describeAccess(kind, language, actor, 1);
      expect(words.action).toMatch(/\S/);
      expect(words.description).toContain(words.action);
    }
  }
});

test("who did it, in the patient's language", () => {
  const reviewer = { name: "Dr Wang", role: Role.REVIEWER, institution: "Shanghai Cancer Center", country: "CN", isPatient: false };
  expect(describeAccess(AccessKind.VIEWED_FILE, Language.EN, reviewer, 1).description).toBe("Dr Wang (reviewer, Shanghai Cancer Center, CN) opened your file");
  expect(describeAccess(AccessKind.VIEWED_FILE, Language.EN, reviewer, 3).description).toBe("Dr Wang (reviewer, Shanghai Cancer Center, CN) opened your file 3 times");
  expect(describeAccess(AccessKind.CHANGED_SUMMARY, Language.ZH, { ...reviewer, name: "李协调", role: Role.COORDINATOR }, 1).description).toBe("李协调（协调员）更新了您的临床摘要");
  expect(describeAccess(AccessKind.VIEWED_FILE, Language.ZH, reviewer, 2).description).toBe("Dr Wang（审阅专家，Shanghai Cancer Center，CN）查看了您的档案2次");
  expect(describeAccess(AccessKind.UPLOADED_DOCUMENT, Language.EN, { name: "Ann Lee", role: Role.PATIENT, institution: null, country: null, isPatient: true }, 1).description).toBe("You uploaded a document to your file");
  const gone = describeAccess(AccessKind.VIEWED_FILE, Language.EN, { name: null, role: Role.COORDINATOR, institution: null, country: null, isPatient: false }, 1);
  expect(gone).toEqual({ actorName: "A former user", action: "opened your file", description: "A former user (coordinator) opened your file" });
});
