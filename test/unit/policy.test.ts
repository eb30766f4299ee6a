import { AssignmentStatus, CaseEventType, CaseStatus, Language, OptionStatus, Role } from "../../server/common/enums";
import {
  ageBand,
  canContribute,
  canSeeAssignment,
  canSeeComments,
  canSeeEvent,
  canSeeIdentity,
  canSeeOpinion,
  canSeeOption,
  canMoveCase,
  invitationEnded,
  canSeeRecord,
  canSeeSummary,
  caseView,
  consentCovers,
  decideOperation,
  isStaff,
  OPERATION_POLICY,
  patientFileView,
  canSeeReviewerAssignments,
  type CaseFacts,
  type CaseView,
} from "../../server/auth/policy";
import type { Viewer } from "../../server/auth/viewer";

/** DESIGN.md, "Who uses it": the role table as unit tests. */

const S = CaseStatus;
const ALL_STATUSES = Object.values(CaseStatus) as CaseStatus[];
const ALL_ROLES: Role[] = [Role.ADMIN, Role.COORDINATOR, Role.REVIEWER, Role.PATIENT];

const viewer = (role: Role, extra: Partial<Viewer> = {}): Viewer => ({
  userId: `user-${role.toLowerCase()}`,
  role,
  displayName: role,
  patientId: null,
  reviewerId: null,
  reviewerCountry: null,
  reviewerLanguages: [],
  ...extra,
});

const admin = viewer(Role.ADMIN);
const coordinator = viewer(Role.COORDINATOR);
const patient = viewer(Role.PATIENT, { patientId: "patient-1" });
const reviewer = viewer(Role.REVIEWER, { reviewerId: "reviewer-1", reviewerCountry: "CN", reviewerLanguages: [Language.ZH] });
const otherReviewer = viewer(Role.REVIEWER, { reviewerId: "reviewer-2", reviewerCountry: "CN", reviewerLanguages: [Language.EN] });

const facts = (extra: Partial<CaseFacts> = {}): CaseFacts => ({
  status: S.PATHWAY_ASSESSMENT,
  heldFrom: null,
  patientId: "patient-1",
  viewerAssignmentStatus: null,
  consentCountries: ["CN"],
  ...extra,
});

describe("decideOperation", () => {
  const STAFF = [Role.ADMIN, Role.COORDINATOR];
  const EXPECTED: Record<string, "PUBLIC" | Role[]> = {
    "Query.viewer": "PUBLIC",
    "Query.case": ALL_ROLES,
    "Query.cases": ALL_ROLES,
    "Query.patient": ALL_ROLES,
    "Query.reviewers": STAFF,
    "Mutation.login": "PUBLIC",
    "Mutation.refreshSession": "PUBLIC",
    "Mutation.signOut": "PUBLIC",
    "Mutation.activateAccount": "PUBLIC",
    "Mutation.issueAccountInvitation": STAFF,
    // Anyone signed in changes their own password; resets are asked for and used signed out.
    "Mutation.changePassword": ALL_ROLES,
    "Mutation.requestPasswordReset": "PUBLIC",
    "Mutation.resetPassword": "PUBLIC",
    "Mutation.createUser": [Role.ADMIN],
    "Mutation.updateReviewerProfile": [Role.ADMIN],
    "Mutation.createPatient": STAFF,
    "Mutation.openCase": [Role.COORDINATOR],
    "Mutation.addMedicalRecord": [Role.COORDINATOR, Role.PATIENT],
    "Mutation.shareRecordWithReviewers": [Role.COORDINATOR],
    "Mutation.unshareRecord": [Role.COORDINATOR],
    // Coordinators edit any record; patients those they added (the service narrows it).
    "Mutation.updateMedicalRecord": [Role.COORDINATOR, Role.PATIENT],
    "Mutation.saveCaseSummary": [Role.COORDINATOR],
    "Mutation.publishCaseSummary": [Role.COORDINATOR],
    "Mutation.inviteReviewer": [Role.COORDINATOR],
    "Mutation.cancelInvitation": [Role.COORDINATOR],
    "Mutation.respondToInvitation": [Role.REVIEWER],
    "Mutation.submitReview": [Role.REVIEWER],
    "Mutation.addComment": [Role.COORDINATOR, Role.REVIEWER],
    "Mutation.proposePathwayOption": [Role.COORDINATOR, Role.REVIEWER],
    "Mutation.setPathwayOptionStatus": [Role.COORDINATOR],
    // Coordinators, or the reviewer who proposed the option (the service narrows it).
    "Mutation.updatePathwayOption": [Role.COORDINATOR, Role.REVIEWER],
    // Coordinators move cases; patients may withdraw their own (the service narrows it).
    "Mutation.transitionCase": [Role.COORDINATOR, Role.PATIENT],
    // The patient, a coordinator or an admin may record or revoke consent.
    "Mutation.recordConsent": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
    "Mutation.revokeConsent": [Role.ADMIN, Role.COORDINATOR, Role.PATIENT],
    "Subscription.caseStatusChanged": ALL_ROLES,
    "Subscription.caseActivity": ALL_ROLES,
  };

  const cases = Object.entries(EXPECTED).flatMap(([operation, rule]) =>
    [null, ...ALL_ROLES].map((role) => {
      const expected = rule === "PUBLIC" ? "ALLOW" : role === null ? "UNAUTHENTICATED" : rule.includes(role) ? "ALLOW" : "FORBIDDEN";
      return [operation, role ?? "anonymous", expected] as const;
    }),
  );

  test.each(cases)("%s as %s: %s", (operation, who, expected) => {
    const asking = who === "anonymous" ? null : viewer(who as Role);
    expect(decideOperation(operation, asking)).toBe(expected);
  });

  test("public operations are open to anonymous callers and to every role", () => {
    for (const operation of ["Query.viewer", "Mutation.login", "Mutation.refreshSession", "Mutation.signOut", "Mutation.activateAccount", "Mutation.requestPasswordReset", "Mutation.resetPassword"]) {
      expect(decideOperation(operation, null)).toBe("ALLOW");
      for (const role of ALL_ROLES) expect(decideOperation(operation, viewer(role))).toBe("ALLOW");
    }
  });

  test("every role-guarded operation refuses anonymous callers as UNAUTHENTICATED", () => {
    for (const [operation, rule] of Object.entries(OPERATION_POLICY)) {
      if (rule !== "PUBLIC") expect(decideOperation(operation, null)).toBe("UNAUTHENTICATED");
    }
  });

  test("every entry of the policy is PUBLIC or a non-empty list of known roles", () => {
    for (const rule of Object.values(OPERATION_POLICY)) {
      if (rule === "PUBLIC") continue;
      expect(rule.length).toBeGreaterThan(0);
      for (const role of rule) expect(ALL_ROLES).toContain(role);
    }
  });

  test.each(["Mutation.dropDatabase", "Query.secrets", "Mutation.LOGIN", "Query.Viewer", "viewer", "", "Subscription.everything"])(
    "an unknown operation %j is denied: UNAUTHENTICATED for anonymous, FORBIDDEN for everyone signed in",
    (operation) => {
      expect(decideOperation(operation, null)).toBe("UNAUTHENTICATED");
      for (const role of ALL_ROLES) expect(decideOperation(operation, viewer(role))).toBe("FORBIDDEN");
    },
  );
});

describe("isStaff", () => {
  test.each([
    [Role.ADMIN, true],
    [Role.COORDINATOR, true],
    [Role.REVIEWER, false],
    [Role.PATIENT, false],
  ])("%s: %s", (role, expected) => {
    expect(isStaff(viewer(role))).toBe(expected);
  });
});

describe("consentCovers", () => {
  test("needs the reviewer's country among the consent's countries", () => {
    expect(consentCovers(["CA", "CN"], "CN")).toBe(true);
    expect(consentCovers(["CA"], "CN")).toBe(false);
    expect(consentCovers([], "CN")).toBe(false);
    expect(consentCovers(["CN"], null)).toBe(false);
  });
});

describe("caseView", () => {
  describe("staff", () => {
    test.each([admin, coordinator].flatMap((v) => ALL_STATUSES.map((status) => [v.role, status, v] as const)))(
      "%s sees a %s case as STAFF, with or without consent",
      (_role, status, v) => {
        expect(caseView(v, facts({ status, heldFrom: status === S.ON_HOLD ? S.TRANSLATION : null }))).toBe("STAFF");
        expect(caseView(v, facts({ status, consentCountries: [], patientId: "someone-else" }))).toBe("STAFF");
      },
    );
  });

  describe("patients", () => {
    test.each(ALL_STATUSES)("see their own %s case as OWNER", (status) => {
      expect(caseView(patient, facts({ status }))).toBe("OWNER");
    });

    test("see nothing of another patient's case", () => {
      expect(caseView(patient, facts({ patientId: "patient-2" }))).toBeNull();
    });

    test("a patient account without a patient profile owns nothing", () => {
      expect(caseView(viewer(Role.PATIENT, { patientId: null }), facts())).toBeNull();
    });

    test("an assignment status on the facts does not turn a patient into a reviewer", () => {
      expect(caseView(viewer(Role.PATIENT, { patientId: "patient-9" }), facts({ viewerAssignmentStatus: AssignmentStatus.ACCEPTED }))).toBeNull();
    });
  });

  describe("reviewers", () => {
    test.each([
      [AssignmentStatus.INVITED, "REVIEWER_INVITED"],
      [AssignmentStatus.ACCEPTED, "REVIEWER_FULL"],
      [AssignmentStatus.SUBMITTED, "REVIEWER_FULL"],
      [AssignmentStatus.DECLINED, null],
      // A cancelled invitation is treated like a declined one: nothing.
      [AssignmentStatus.CANCELLED, null],
      [null, null],
    ] as [AssignmentStatus | null, CaseView | null][])("assignment %s gives %s", (assignment, expected) => {
      expect(caseView(reviewer, facts({ viewerAssignmentStatus: assignment }))).toBe(expected);
    });

    const NON_TERMINAL = ALL_STATUSES.filter((s) => s !== S.CLOSED && s !== S.WITHDRAWN);
    test.each(NON_TERMINAL)("an accepted reviewer sees a %s case whole", (status) => {
      expect(caseView(reviewer, facts({ status, heldFrom: status === S.ON_HOLD ? S.PATHWAY_ASSESSMENT : null, viewerAssignmentStatus: AssignmentStatus.ACCEPTED }))).toBe("REVIEWER_FULL");
    });

    test.each([S.CLOSED, S.WITHDRAWN].flatMap((status) => [AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED].map((a) => [status, a] as const)))(
      "a %s case is invisible to a reviewer (%s)",
      (status, assignment) => {
        expect(caseView(reviewer, facts({ status, viewerAssignmentStatus: assignment }))).toBeNull();
      },
    );

    test.each([AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED])(
      "consent not covering the reviewer's country hides the case (%s)",
      (assignment) => {
        expect(caseView(reviewer, facts({ viewerAssignmentStatus: assignment, consentCountries: ["US", "GB"] }))).toBeNull();
        expect(caseView(reviewer, facts({ viewerAssignmentStatus: assignment, consentCountries: [] }))).toBeNull();
        // The same assignment with the country covered is visible.
        expect(caseView(reviewer, facts({ viewerAssignmentStatus: assignment, consentCountries: ["US", "CN"] }))).not.toBeNull();
      },
    );

    test("a reviewer with no country is covered by no consent", () => {
      expect(caseView(viewer(Role.REVIEWER, { reviewerId: "r", reviewerCountry: null }), facts({ viewerAssignmentStatus: AssignmentStatus.ACCEPTED }))).toBeNull();
    });

    test("a reviewer who happens to share the patient id is still only a reviewer", () => {
      const odd = viewer(Role.REVIEWER, { reviewerId: "r", reviewerCountry: "CN", patientId: "patient-1" });
      expect(caseView(odd, facts({ viewerAssignmentStatus: null }))).toBeNull();
    });
  });
});

describe("canSeeIdentity, canSeeComments, canContribute", () => {
  test.each([
    ["STAFF", true, true, true],
    ["OWNER", true, false, false],
    ["REVIEWER_INVITED", false, false, false],
    ["REVIEWER_FULL", false, true, true],
  ] as [CaseView, boolean, boolean, boolean][])("%s: identity %s, comments %s, contribute %s", (view, identity, comments, contribute) => {
    expect(canSeeIdentity(view)).toBe(identity);
    expect(canSeeComments(view)).toBe(comments);
    expect(canContribute(view)).toBe(contribute);
  });
});

describe("canSeeRecord", () => {
  test.each([
    ["STAFF", true, true],
    ["OWNER", true, true],
    ["REVIEWER_INVITED", false, false],
    ["REVIEWER_FULL", false, true],
  ] as [CaseView, boolean, boolean][])("%s: unshared %s, shared %s", (view, unshared, shared) => {
    expect(canSeeRecord(view, { sharedWithReviewers: false })).toBe(unshared);
    expect(canSeeRecord(view, { sharedWithReviewers: true })).toBe(shared);
  });
});

describe("canSeeSummary", () => {
  const published = { publishedAt: new Date("2025-01-02T03:04:05Z") };
  const draft = { publishedAt: null };
  test.each([
    ["STAFF", true],
    ["OWNER", false],
    ["REVIEWER_INVITED", false],
    ["REVIEWER_FULL", false],
  ] as [CaseView, boolean][])("%s sees published summaries, drafts: %s", (view, seesDraft) => {
    expect(canSeeSummary(view, published)).toBe(true);
    expect(canSeeSummary(view, draft)).toBe(seesDraft);
  });
});

describe("canSeeOption", () => {
  const delivered = { deliveredAt: new Date("2026-03-01T10:00:00Z") };
  const notDelivered = { deliveredAt: null };

  test("staff and fully assigned reviewers see every option, delivered or not", () => {
    for (const view of ["STAFF", "REVIEWER_FULL"] as CaseView[]) {
      expect(canSeeOption(view, delivered)).toBe(true);
      expect(canSeeOption(view, notDelivered)).toBe(true);
    }
  });

  test("invited reviewers see no option", () => {
    expect(canSeeOption("REVIEWER_INVITED", delivered)).toBe(false);
    expect(canSeeOption("REVIEWER_INVITED", notDelivered)).toBe(false);
  });

  // The patient: exactly what a delivery gave them, whatever the case's status since.
  test("the patient sees delivered options only", () => {
    expect(canSeeOption("OWNER", delivered)).toBe(true);
    expect(canSeeOption("OWNER", notDelivered)).toBe(false);
  });
});

describe("canSeeAssignment", () => {
  const mine = (status: AssignmentStatus) => ({ reviewerId: "reviewer-1", status });
  const theirs = (status: AssignmentStatus) => ({ reviewerId: "reviewer-2", status });
  const ASSIGNMENT_STATUSES = Object.values(AssignmentStatus) as AssignmentStatus[];

  test("staff and fully assigned reviewers see every assignment", () => {
    for (const status of ASSIGNMENT_STATUSES) {
      expect(canSeeAssignment("STAFF", coordinator, theirs(status))).toBe(true);
      expect(canSeeAssignment("REVIEWER_FULL", reviewer, theirs(status))).toBe(true);
      expect(canSeeAssignment("REVIEWER_FULL", reviewer, mine(status))).toBe(true);
    }
  });

  test("an invited reviewer sees only their own invitation", () => {
    for (const status of ASSIGNMENT_STATUSES) {
      expect(canSeeAssignment("REVIEWER_INVITED", reviewer, mine(status))).toBe(true);
      expect(canSeeAssignment("REVIEWER_INVITED", reviewer, theirs(status))).toBe(false);
    }
  });

  test.each([
    [AssignmentStatus.INVITED, false],
    [AssignmentStatus.DECLINED, false],
    [AssignmentStatus.CANCELLED, false],
    [AssignmentStatus.ACCEPTED, true],
    [AssignmentStatus.SUBMITTED, true],
  ])("the patient sees who reviews: %s -> %s", (status, expected) => {
    expect(canSeeAssignment("OWNER", patient, theirs(status))).toBe(expected);
  });
});

describe("canSeeOpinion", () => {
  const byOther = { reviewerId: "reviewer-2" };
  const byMe = { reviewerId: "reviewer-1" };

  test("staff always", () => {
    expect(canSeeOpinion("STAFF", coordinator, byOther, false)).toBe(true);
    expect(canSeeOpinion("STAFF", admin, byOther, false)).toBe(true);
  });

  test("the author always", () => {
    expect(canSeeOpinion("REVIEWER_FULL", reviewer, byMe, false)).toBe(true);
    expect(canSeeOpinion("REVIEWER_FULL", reviewer, byMe, true)).toBe(true);
  });

  test("a fellow reviewer only once they have submitted their own", () => {
    expect(canSeeOpinion("REVIEWER_FULL", reviewer, byOther, false)).toBe(false);
    expect(canSeeOpinion("REVIEWER_FULL", reviewer, byOther, true)).toBe(true);
    expect(canSeeOpinion("REVIEWER_FULL", otherReviewer, byMe, true)).toBe(true);
  });

  test("never an invited reviewer, never the patient", () => {
    expect(canSeeOpinion("REVIEWER_INVITED", reviewer, byOther, true)).toBe(false);
    expect(canSeeOpinion("OWNER", patient, byOther, false)).toBe(false);
    expect(canSeeOpinion("OWNER", patient, byOther, true)).toBe(false);
  });
});

test("a patient's file: staff see every one, a patient their own, reviewers and the anonymous none", () => {
  expect(patientFileView(admin, "patient-1")).toBe("STAFF");
  expect(patientFileView(coordinator, "patient-2")).toBe("STAFF");
  expect(patientFileView(patient, "patient-1")).toBe("OWNER");
  expect(patientFileView(patient, "patient-2")).toBeNull();
  expect(patientFileView(reviewer, "patient-1")).toBeNull();
  expect(patientFileView(null, "patient-1")).toBeNull();
});

test("a reviewer's assignments are read by that reviewer and by staff only", () => {
  expect(canSeeReviewerAssignments(reviewer, "reviewer-1")).toBe(true);
  expect(canSeeReviewerAssignments(otherReviewer, "reviewer-1")).toBe(false);
  expect(canSeeReviewerAssignments(coordinator, "reviewer-1")).toBe(true);
  expect(canSeeReviewerAssignments(admin, "reviewer-1")).toBe(true);
  expect(canSeeReviewerAssignments(patient, "reviewer-1")).toBe(false);
  expect(canSeeReviewerAssignments(null, "reviewer-1")).toBe(false);
});

test("an invitation ended without a review (declined, cancelled) may be sent again; no other", () => {
  expect((Object.values(AssignmentStatus) as AssignmentStatus[]).filter(invitationEnded).sort()).toEqual([AssignmentStatus.CANCELLED, AssignmentStatus.DECLINED]);
});

test("coordinators move a case along every edge, its owner only withdraws it, nobody else moves it", () => {
  for (const to of ALL_STATUSES) {
    expect(canMoveCase(coordinator, "STAFF", to)).toBe(true);
    expect(canMoveCase(admin, "STAFF", to)).toBe(false);
    expect(canMoveCase(patient, "OWNER", to)).toBe(to === S.WITHDRAWN);
    expect(canMoveCase(reviewer, "REVIEWER_FULL", to)).toBe(false);
    expect(canMoveCase(reviewer, "REVIEWER_INVITED", to)).toBe(false);
  }
});

describe("canSeeEvent", () => {
  const INVITED_SEES: CaseEventType[] = [CaseEventType.CASE_OPENED, CaseEventType.STATUS_CHANGED, CaseEventType.SUMMARY_PUBLISHED, CaseEventType.REVIEWER_INVITED];
  const ALL_TYPES = Object.values(CaseEventType) as CaseEventType[];

  // The review team's working events stay with the team; the patient sees the rest.
  const OWNER_MISSES: CaseEventType[] = [
    CaseEventType.INVITATION_ANSWERED,
    CaseEventType.INVITATION_CANCELLED,
    CaseEventType.COMMENT_ADDED,
    CaseEventType.COMMENT_WITHDRAWN,
    CaseEventType.OPTION_PROPOSED,
    CaseEventType.OPTION_UPDATED,
  ];

  test.each(ALL_TYPES)("%s", (type) => {
    expect(canSeeEvent("STAFF", { type })).toBe(true);
    expect(canSeeEvent("OWNER", { type })).toBe(!OWNER_MISSES.includes(type));
    expect(canSeeEvent("REVIEWER_FULL", { type })).toBe(true);
    expect(canSeeEvent("REVIEWER_INVITED", { type })).toBe(INVITED_SEES.includes(type));
  });

  test("an invited reviewer misses comments, options, records and consent events", () => {
    for (const type of [CaseEventType.COMMENT_ADDED, CaseEventType.COMMENT_WITHDRAWN, CaseEventType.OPTION_PROPOSED, CaseEventType.RECORD_SHARED, CaseEventType.CONSENT_REVOKED, CaseEventType.REVIEW_SUBMITTED]) {
      expect(canSeeEvent("REVIEWER_INVITED", { type })).toBe(false);
    }
  });
});

describe("ageBand", () => {
  const on = (iso: string) => new Date(`${iso}T12:00:00Z`);

  test.each([
    ["1965-06-15", "2025-06-14", "50-59"], // the day before the 60th birthday
    ["1965-06-15", "2025-06-15", "60-69"], // on the birthday
    ["1965-06-15", "2025-06-16", "60-69"], // the day after
    ["1965-06-15", "2025-05-31", "50-59"], // an earlier month
    ["1965-06-15", "2025-07-01", "60-69"], // a later month
    ["1965-12-31", "2025-12-30", "50-59"],
    ["1965-12-31", "2025-12-31", "60-69"],
    ["1966-01-01", "2025-12-31", "50-59"],
    ["1935-06-15", "2025-06-14", "80-89"], // 89
    ["1935-06-15", "2025-06-15", "90+"], // 90
    ["1920-01-01", "2025-06-15", "90+"], // 105
    ["2020-06-15", "2025-06-15", "0-9"],
    ["2015-06-15", "2025-06-14", "0-9"], // 9
    ["2015-06-15", "2025-06-15", "10-19"], // 10
    ["2025-06-15", "2025-06-15", "0-9"], // a newborn
    ["1985-03-10", "2025-03-10", "40-49"],
    ["1985-03-11", "2025-03-10", "30-39"],
  ])("born %s, on %s: %s", (dob, day, expected) => {
    expect(ageBand(dob, on(day))).toBe(expected);
  });

  describe("a leap-day birthday", () => {
    test.each([
      ["2000-02-29", "2010-02-28", "0-9"], // not yet 10 on 28 February of a common year
      ["2000-02-29", "2010-03-01", "10-19"], // 10 on 1 March
      ["2000-02-29", "2020-02-28", "10-19"], // 19 the day before a leap birthday
      ["2000-02-29", "2020-02-29", "20-29"], // 20 on the leap day itself
      ["1956-02-29", "2026-02-28", "60-69"], // 69
      ["1956-02-29", "2026-03-01", "70-79"], // 70
    ])("born %s, on %s: %s", (dob, day, expected) => {
      expect(ageBand(dob, on(day))).toBe(expected);
    });
  });

  test("uses the UTC date of `on`, whatever the time of day", () => {
    expect(ageBand("1965-06-15", new Date("2025-06-14T23:59:59Z"))).toBe("50-59");
    expect(ageBand("1965-06-15", new Date("2025-06-15T00:00:00Z"))).toBe("60-69");
  });

  test("a date of birth in the future still gives a band, not a negative one", () => {
    expect(ageBand("2030-01-01", on("2025-06-15"))).toBe("0-9");
  });
});
