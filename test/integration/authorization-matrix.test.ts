import crypto from "node:crypto";
import { isObjectType } from "graphql";
import { hashOpaqueToken } from "../../server/auth/tokens";
import { buildMeridianSchema } from "../../server/schema/build-schema";
import { CaseBuilder, type Reviewer } from "../support/case-builder";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { type GraphQLResponse, isCountFolding, ok, startTestServer, type TestServer } from "../support/server";
import { connect, type Subscription, type WsClient } from "../support/ws-client";

/**
 * Every root field of the schema, run as every role, on the world's objects, checked cell
 * by cell against the table below (DESIGN.md's role table and README.md's decisions).
 *
 * The world: two cases in PATHWAY_ASSESSMENT, each with a record uploaded and shared, a
 * published EN summary, the patient's consent, an accepted reviewer, a comment and an option.
 *   A: owned by PATIENT_OWNER, reviewed by REVIEWER_ASSIGNED (CN, consent covers CN);
 *   B: owned by PATIENT_OTHER, reviewed by a third reviewer (US, consent covers US).
 * So A is "own" to PATIENT_OWNER and REVIEWER_ASSIGNED and "foreign" to PATIENT_OTHER and
 * REVIEWER_UNASSIGNED (CN as well, never invited to A); B is own to PATIENT_OTHER and
 * foreign to both reviewers and PATIENT_OWNER. Mutations that change state get fresh
 * objects (a new record, draft, option, consent, case or invitation) for each cell.
 */

const ROLES = ["ADMIN", "COORDINATOR", "REVIEWER_ASSIGNED", "REVIEWER_UNASSIGNED", "PATIENT_OWNER", "PATIENT_OTHER", "ANONYMOUS"] as const;
type RoleName = (typeof ROLES)[number];
type Outcome = "ALLOW" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND";
type Target = "A" | "B";

const A: Outcome = "ALLOW";
const U: Outcome = "UNAUTHENTICATED";
const F: Outcome = "FORBIDDEN";
const N: Outcome = "NOT_FOUND";

// prettier-ignore
const EXPECTED: Record<string, readonly Outcome[]> = {
  //                                          ADMIN COORD REV  REV-X PAT  PAT-X ANON
  "Query.viewer":                              [A,    A,    A,   A,    A,   A,    A],
  "Query.case @A":                             [A,    A,    A,   N,    A,   N,    U],
  "Query.case @B":                             [A,    A,    N,   N,    N,   A,    U],
  "Query.cases":                               [A,    A,    A,   A,    A,   A,    U],
  "Query.patient @A":                          [A,    A,    N,   N,    A,   N,    U],
  "Query.patient @B":                          [A,    A,    N,   N,    N,   A,    U],
  "Query.patients":                            [A,    A,    F,   F,    F,   F,    U],
  "Query.users":                               [A,    F,    F,   F,    F,   F,    U],
  "Query.reviewers":                           [A,    A,    F,   F,    F,   F,    U],
  "Mutation.login":                            [A,    A,    A,   A,    A,   A,    A],
  "Mutation.refreshSession":                   [A,    A,    A,   A,    A,   A,    A],
  "Mutation.signOut":                          [A,    A,    A,   A,    A,   A,    A],
  "Mutation.activateAccount":                  [A,    A,    A,   A,    A,   A,    A],
  "Mutation.changePassword":                   [A,    A,    A,   A,    A,   A,    U],
  "Mutation.requestPasswordReset":             [A,    A,    A,   A,    A,   A,    A],
  "Mutation.resetPassword":                    [A,    A,    A,   A,    A,   A,    A],
  "Mutation.issueAccountInvitation @A":        [A,    A,    F,   F,    F,   F,    U],
  "Mutation.issueAccountInvitation @B":        [A,    A,    F,   F,    F,   F,    U],
  "Mutation.createUser":                       [A,    F,    F,   F,    F,   F,    U],
  "Mutation.updateReviewerProfile @A":         [A,    F,    F,   F,    F,   F,    U],
  "Mutation.updateReviewerProfile @B":         [A,    F,    F,   F,    F,   F,    U],
  "Mutation.createPatient":                    [A,    A,    F,   F,    F,   F,    U],
  "Mutation.updatePatient @A":                 [A,    A,    F,   F,    F,   F,    U],
  "Mutation.updatePatient @B":                 [A,    A,    F,   F,    F,   F,    U],
  "Mutation.openCase @A":                      [F,    A,    F,   F,    F,   F,    U],
  "Mutation.openCase @B":                      [F,    A,    F,   F,    F,   F,    U],
  "Mutation.addMedicalRecord @A":              [F,    A,    F,   F,    A,   N,    U],
  "Mutation.addMedicalRecord @B":              [F,    A,    F,   F,    N,   A,    U],
  "Mutation.shareRecordWithReviewers @A":      [F,    A,    F,   F,    F,   F,    U],
  "Mutation.shareRecordWithReviewers @B":      [F,    A,    F,   F,    F,   F,    U],
  "Mutation.unshareRecord @A":                 [F,    A,    F,   F,    F,   F,    U],
  "Mutation.unshareRecord @B":                 [F,    A,    F,   F,    F,   F,    U],
  "Mutation.updateMedicalRecord @A":           [F,    A,    F,   F,    A,   N,    U],
  "Mutation.updateMedicalRecord @B":           [F,    A,    F,   F,    N,   A,    U],
  "Mutation.saveCaseSummary @A":               [F,    A,    F,   F,    F,   F,    U],
  "Mutation.saveCaseSummary @B":               [F,    A,    F,   F,    F,   F,    U],
  "Mutation.publishCaseSummary @A":            [F,    A,    F,   F,    F,   F,    U],
  "Mutation.publishCaseSummary @B":            [F,    A,    F,   F,    F,   F,    U],
  "Mutation.inviteReviewer @A":                [F,    A,    F,   F,    F,   F,    U],
  "Mutation.inviteReviewer @B":                [F,    A,    F,   F,    F,   F,    U],
  "Mutation.cancelInvitation @A":              [F,    A,    F,   F,    F,   F,    U],
  "Mutation.cancelInvitation @B":              [F,    A,    F,   F,    F,   F,    U],
  "Mutation.respondToInvitation @A":           [F,    F,    A,   N,    F,   F,    U],
  "Mutation.respondToInvitation @B":           [F,    F,    N,   N,    F,   F,    U],
  "Mutation.submitReview @A":                  [F,    F,    A,   N,    F,   F,    U],
  "Mutation.submitReview @B":                  [F,    F,    N,   N,    F,   F,    U],
  "Mutation.addComment @A":                    [F,    A,    A,   N,    F,   F,    U],
  "Mutation.addComment @B":                    [F,    A,    N,   N,    F,   F,    U],
  "Mutation.withdrawComment @A":               [F,    A,    A,   N,    F,   F,    U],
  "Mutation.withdrawComment @B":               [F,    A,    N,   N,    F,   F,    U],
  "Mutation.proposePathwayOption @A":          [F,    A,    A,   N,    F,   F,    U],
  "Mutation.proposePathwayOption @B":          [F,    A,    N,   N,    F,   F,    U],
  "Mutation.setPathwayOptionStatus @A":        [F,    A,    F,   F,    F,   F,    U],
  "Mutation.setPathwayOptionStatus @B":        [F,    A,    F,   F,    F,   F,    U],
  "Mutation.updatePathwayOption @A":           [F,    A,    A,   N,    F,   F,    U],
  "Mutation.updatePathwayOption @B":           [F,    A,    N,   N,    F,   F,    U],
  "Mutation.transitionCase#withdraw @A":       [F,    A,    F,   F,    A,   N,    U],
  "Mutation.transitionCase#withdraw @B":       [F,    A,    F,   F,    N,   A,    U],
  "Mutation.transitionCase#hold @A":           [F,    A,    F,   F,    F,   N,    U],
  "Mutation.transitionCase#hold @B":           [F,    A,    F,   F,    N,   F,    U],
  "Mutation.recordConsent @A":                 [A,    A,    F,   F,    A,   N,    U],
  "Mutation.recordConsent @B":                 [A,    A,    F,   F,    N,   A,    U],
  "Mutation.revokeConsent @A":                 [A,    A,    F,   F,    A,   N,    U],
  "Mutation.revokeConsent @B":                 [A,    A,    F,   F,    N,   A,    U],
  "Mutation.exportPatientFile @A":             [A,    A,    F,   F,    A,   N,    U],
  "Mutation.exportPatientFile @B":             [A,    A,    F,   F,    N,   A,    U],
  "Mutation.requestErasure @A":                [A,    A,    F,   F,    A,   N,    U],
  "Mutation.requestErasure @B":                [A,    A,    F,   F,    N,   A,    U],
  "Mutation.placeLegalHold @A":                [A,    F,    F,   F,    F,   F,    U],
  "Mutation.placeLegalHold @B":                [A,    F,    F,   F,    F,   F,    U],
  "Mutation.liftLegalHold @A":                 [A,    F,    F,   F,    F,   F,    U],
  "Mutation.liftLegalHold @B":                 [A,    F,    F,   F,    F,   F,    U],
  "Subscription.caseStatusChanged":            [A,    A,    A,   A,    A,   A,    U],
  "Subscription.caseStatusChanged @A":         [A,    A,    A,   N,    A,   N,    U],
  "Subscription.caseStatusChanged @B":         [A,    A,    N,   N,    N,   A,    U],
  "Subscription.caseActivity @A":              [A,    A,    A,   N,    A,   N,    U],
  "Subscription.caseActivity @B":              [A,    A,    N,   N,    N,   A,    U],
};

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const tokens = {} as Record<RoleName, string | undefined>;
const emails = {} as Record<RoleName, string>;

interface World {
  caseId: string;
  recordId: string;
  summaryId: string;
  assignmentId: string;
  patientId: string;
  patientUserId: string;
  reviewer: Reviewer;
  country: string;
}
const world = {} as Record<Target, World>;

const tally = { cells: 0, denied: 0 };

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "matrix");
  build = new CaseBuilder(server, f.coordinator.token);
  const accounts: Record<Exclude<RoleName, "ANONYMOUS">, { token: string; email: string }> = {
    ADMIN: f.admin,
    COORDINATOR: f.coordinator,
    REVIEWER_ASSIGNED: f.reviewerEn,
    REVIEWER_UNASSIGNED: f.reviewerZh,
    PATIENT_OWNER: f.patient,
    PATIENT_OTHER: f.otherPatient,
  };
  for (const [role, account] of Object.entries(accounts)) {
    tokens[role as RoleName] = account.token;
    emails[role as RoleName] = account.email;
  }
  tokens.ANONYMOUS = undefined;
  emails.ANONYMOUS = f.patient.email;

  const a = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN");
  const b = await build.assessmentCase(f.otherPatient.patientId, f.reviewerUs, "US");
  world.A = { ...a, patientId: f.patient.patientId, patientUserId: f.patient.userId, reviewer: f.reviewerEn, country: "CN" };
  world.B = { ...b, patientId: f.otherPatient.patientId, patientUserId: f.otherPatient.userId, reviewer: f.reviewerUs, country: "US" };
  // A coordinator's comment on a draft (never published) summary of A: staff only, like the draft itself.
  const draftId = await build.saveSummary(a.caseId, { currentPlan: "Draft: consider adjuvant therapy" });
  await build.comment(a.caseId, draftId, "Coordinator note on the draft.");
});

/** A patient account with no password yet: only such an account can be invited (and activated). */
async function unactivatedPatientUser(): Promise<string> {
  return ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { userId } }`,
      { input: { fullName: "Activation Subject", dateOfBirth: "1970-03-03", email: freshEmail("activation"), preferredLanguage: "EN" } },
      f.coordinator.token,
    ),
  ).createPatient.userId;
}

afterAll(async () => {
  console.log(`authorization matrix: ${tally.cells} cells tested, ${tally.denied} denied (${tally.cells - tally.denied} allowed)`);
  await server?.close();
});

/** A country not consented to yet, different on every call (so no consent repeats an active one). */
const SPARE_COUNTRIES = ["FR", "DE", "JP", "GB", "AU", "SG", "KR", "IT", "ES", "NL", "SE", "NO", "DK", "FI", "CH", "AT", "BE", "IE", "PT", "NZ", "BR", "MX", "IN", "ZA"];
let countryCounter = 0;
const nextCountry = () => SPARE_COUNTRIES[countryCounter++ % SPARE_COUNTRIES.length];

let emailCounter = 0;
function freshEmail(prefix: string): string {
  emailCounter += 1;
  return `${prefix}.${emailCounter}.${crypto.randomBytes(3).toString("hex")}@test.meridian`;
}

interface Cell {
  role: RoleName;
  target: Target | undefined;
  expected: Outcome;
}

interface Prepared {
  query: string;
  variables?: Record<string, unknown>;
  /** Problems with an allowed answer (what the role may see), as messages. */
  check?: (data: any) => string[];
  /** Runs after an allowed cell, with its data. */
  after?: (data: any) => Promise<void>;
  /** Runs after every cell. */
  cleanup?: () => Promise<void>;
}

interface Operation {
  field: string;
  variant?: string;
  targets?: Target[];
  prepare(cell: Cell): Promise<Prepared>;
}

const BOTH: Target[] = ["A", "B"];

/** Which of the two world cases a role sees. */
function visibleWorlds(role: RoleName): Target[] {
  switch (role) {
    case "ADMIN":
    case "COORDINATOR":
      return ["A", "B"];
    case "REVIEWER_ASSIGNED":
    case "PATIENT_OWNER":
      return ["A"];
    case "PATIENT_OTHER":
      return ["B"];
    default:
      return [];
  }
}

async function login(role: RoleName): Promise<{ refreshToken: string }> {
  return ok(await server.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { refreshToken } }`, { e: emails[role], p: PASSWORD })).login;
}

async function freshCase(target: Target): Promise<{ id: string; version: number }> {
  const id = await build.openCase(world[target].patientId);
  return { id, version: await build.version(id) };
}

async function withdrawIfOpen(caseId: string): Promise<void> {
  const [row] = await server.db.query(`SELECT status FROM medical_case WHERE id = $1`, [caseId]);
  if (row && row.status !== "WITHDRAWN" && row.status !== "CLOSED") await build.move(caseId, "WITHDRAWN");
}

/** Resumes the patient's cases that a consent revocation put on hold. */
async function resumeHeldCases(patientId: string): Promise<void> {
  const rows: Array<{ id: string; held_from: string }> = await server.db.query(`SELECT id, held_from FROM medical_case WHERE patient_id = $1 AND status = 'ON_HOLD'`, [patientId]);
  for (const row of rows) await build.move(row.id, row.held_from);
}

const CASE_SELECTION = `id reference status reason patient { id fullName }
  records { id sharedWithReviewers downloadUrl } summaries { id publishedAt }
  comments { id summary { id publishedAt } } options { id status } assignments { id reviewer { id } } events { id type }`;

function checkCaseView(role: RoleName, target: Target, data: any): string[] {
  const problems: string[] = [];
  const expect = (condition: boolean, message: string) => condition || problems.push(message);
  const owner = (role === "PATIENT_OWNER" && target === "A") || (role === "PATIENT_OTHER" && target === "B");
  if (role === "ADMIN" || role === "COORDINATOR") {
    expect(data.patient !== null, "staff see the patient");
    expect(data.comments.length >= 1 && data.options.length >= 1, "staff see comments and options");
  } else if (role === "REVIEWER_ASSIGNED") {
    expect(data.patient === null && data.reason === null, "a reviewer sees no identity");
    expect(data.records.length >= 1 && data.records.every((r: any) => r.sharedWithReviewers && r.downloadUrl), "a reviewer sees only shared records, which they may open");
    expect(data.summaries.length >= 1 && data.summaries.every((s: any) => s.publishedAt !== null), "a reviewer sees only published summaries");
    expect(data.comments.length >= 1, "an accepted reviewer sees the comments");
    expect(data.comments.every((c: any) => c.summary.publishedAt !== null), "no comment leads a reviewer to a draft summary");
    expect(data.options.length >= 1, "an accepted reviewer sees the options");
  } else if (owner) {
    expect(data.patient !== null && data.reason !== null, "the owner sees their identity and reason");
    expect(data.comments.length === 0, "patients do not see comments");
    expect(data.options.length === 0, "patients see no option before OPTIONS_DELIVERED");
    expect(data.summaries.every((s: any) => s.publishedAt !== null), "patients see only published summaries");
  }
  return problems;
}

const OPERATIONS: Operation[] = [
  {
    field: "Query.viewer",
    prepare: async ({ role }) => ({
      query: `{ viewer { id role patient { id } } }`,
      check: (data) => (role === "ANONYMOUS" ? (data === null ? [] : ["anonymous has no viewer"]) : data?.id ? [] : ["the viewer is missing"]),
    }),
  },
  {
    field: "Query.case",
    targets: BOTH,
    prepare: async ({ role, target }) => ({
      query: `query($id: ID!) { case(id: $id) { ${CASE_SELECTION} } }`,
      variables: { id: world[target!].caseId },
      check: (data) => checkCaseView(role, target!, data),
    }),
  },
  {
    field: "Query.cases",
    prepare: async ({ role }) => ({
      query: `{ cases(first: 100) { totalCount edges { node { id patient { fullName } } } } }`,
      check: (data) => {
        const ids = data.edges.map((e: any) => e.node.id);
        const problems: string[] = [];
        for (const t of BOTH) {
          const shouldSee = visibleWorlds(role).includes(t);
          if (ids.includes(world[t].caseId) !== shouldSee) problems.push(`case ${t} ${shouldSee ? "missing from" : "leaks into"} the list`);
        }
        if (role.startsWith("REVIEWER") && data.edges.some((e: any) => e.node.patient !== null)) problems.push("a reviewer's list carries identities");
        if (data.totalCount < ids.length) problems.push("totalCount below the page size");
        return problems;
      },
    }),
  },
  {
    field: "Query.patient",
    targets: BOTH,
    prepare: async ({ target }) => ({ query: `query($id: ID!) { patient(id: $id) { id fullName } }`, variables: { id: world[target!].patientId } }),
  },
  {
    field: "Query.patients",
    prepare: async () => ({
      query: `{ patients(search: "holloway", first: 100) { edges { node { id fullName } } } }`,
      check: (data) => (data.edges.some((e: any) => e.node.id === world.A.patientId) ? [] : ["the world's patient is not found by name"]),
    }),
  },
  {
    field: "Query.users",
    prepare: async () => ({
      query: `{ users(role: PATIENT, search: "matrix", first: 100) { edges { node { id role } } } }`,
      check: (data) => (data.edges.some((e: any) => e.node.id === world.B.patientUserId) && data.edges.every((e: any) => e.node.role === "PATIENT") ? [] : ["the world's patients are not listed"]),
    }),
  },
  { field: "Query.reviewers", prepare: async () => ({ query: `{ reviewers { id } }` }) },
  {
    field: "Mutation.login",
    prepare: async ({ role }) => ({
      query: `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { email } } }`,
      variables: { e: emails[role], p: PASSWORD },
      check: (data) => (data.user.email === emails[role] ? [] : ["signed in as someone else"]),
    }),
  },
  {
    field: "Mutation.refreshSession",
    prepare: async ({ role }) => ({
      query: `mutation($t: String!) { refreshSession(refreshToken: $t) { accessToken refreshToken } }`,
      variables: { t: (await login(role)).refreshToken },
    }),
  },
  {
    field: "Mutation.signOut",
    prepare: async ({ role }) => ({
      query: `mutation($t: String!) { signOut(refreshToken: $t) }`,
      variables: { t: (await login(role)).refreshToken },
      check: (data) => (data === true ? [] : ["the session was not found"]),
    }),
  },
  {
    field: "Mutation.activateAccount",
    prepare: async () => {
      const link: string = ok(await server.gql(`mutation($u: ID!) { issueAccountInvitation(userId: $u) }`, { u: await unactivatedPatientUser() }, f.coordinator.token)).issueAccountInvitation;
      return {
        query: `mutation($t: String!, $p: String!) { activateAccount(token: $t, password: $p) { accessToken } }`,
        variables: { t: link.split("#token=")[1], p: "plenty of entropy in this one 42" },
      };
    },
  },
  {
    field: "Mutation.changePassword",
    // To the same password: the cells after this one still sign in with it; the caller's own sign-in stays.
    prepare: async () => ({
      query: `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`,
      variables: { c: PASSWORD, n: PASSWORD },
      check: (data) => (data === true ? [] : ["not changed"]),
    }),
  },
  {
    field: "Mutation.requestPasswordReset",
    prepare: async ({ role }) => ({
      query: `mutation($e: String!) { requestPasswordReset(email: $e) }`,
      variables: { e: emails[role] },
      check: (data) => (data === true ? [] : ["not answered true"]),
    }),
  },
  {
    field: "Mutation.resetPassword",
    // A fresh account with a reset link of its own per cell (the link is what authorizes, not the caller).
    prepare: async () => {
      const userId = await unactivatedPatientUser();
      const token = crypto.randomBytes(32).toString("base64url");
      await server.db.query(
        `INSERT INTO account_invitation (user_id, token_hash, issued_by_user_id, expires_at, purpose) VALUES ($1, $2, $1, now() + interval '1 hour', 'PASSWORD_RESET')`,
        [userId, hashOpaqueToken(token)],
      );
      return {
        query: `mutation($t: String!, $p: String!) { resetPassword(token: $t, password: $p) { accessToken user { id } } }`,
        variables: { t: token, p: "plenty of entropy in this one 42" },
        check: (data) => (data.user.id === userId ? [] : ["signed in as someone else"]),
      };
    },
  },
  {
    field: "Mutation.issueAccountInvitation",
    targets: BOTH,
    // The world's patients are active accounts (invitations for them are refused as CONFLICT): a fresh one per cell.
    prepare: async () => ({
      query: `mutation($u: ID!) { issueAccountInvitation(userId: $u) }`,
      variables: { u: await unactivatedPatientUser() },
      check: (data) => (String(data).includes("#token=") ? [] : ["no invitation link"]),
    }),
  },
  {
    field: "Mutation.createUser",
    prepare: async () => ({
      query: `mutation($input: CreateUserInput!) { createUser(input: $input) { id role } }`,
      variables: { input: { email: freshEmail("staff"), displayName: "New Coordinator", role: "COORDINATOR" } },
    }),
  },
  {
    field: "Mutation.updateReviewerProfile",
    targets: BOTH,
    // A: the assigned reviewer's own profile; B: the US reviewer's. Both keep their values.
    prepare: async ({ target }) => ({
      query: `mutation($r: ID!, $input: ReviewerProfileInput!) { updateReviewerProfile(reviewerId: $r, input: $input) { id country } }`,
      variables: { r: world[target!].reviewer.reviewerId, input: { institution: "Partner Hospital", country: world[target!].country, specialties: ["Oncology"], languages: ["EN"] } },
    }),
  },
  {
    field: "Mutation.createPatient",
    prepare: async () => ({
      query: `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }`,
      variables: { input: { fullName: "Fresh Patient", dateOfBirth: "1966-06-06", email: freshEmail("patient"), preferredLanguage: "EN" } },
    }),
  },
  {
    field: "Mutation.updatePatient",
    targets: BOTH,
    // The patient themself is refused too: staff keep the file (the value given is the one it has).
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!, $input: UpdatePatientInput!) { updatePatient(id: $id, input: $input) { id preferredLanguage } }`,
      variables: { id: world[target!].patientId, input: { preferredLanguage: "EN" } },
      check: (data) => (data.preferredLanguage === "EN" ? [] : ["not updated"]),
    }),
  },
  {
    field: "Mutation.openCase",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`,
      variables: { input: { patientId: world[target!].patientId, reason: "Another question" } },
      after: (data) => withdrawIfOpen(data.id),
    }),
  },
  {
    field: "Mutation.addMedicalRecord",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`,
      variables: { input: { caseId: world[target!].caseId, kind: "LAB_RESULT", title: "Blood count", language: "EN" } },
      check: (data) => (data.uploadUrl ? [] : ["the uploader gets no upload URL"]),
    }),
  },
  {
    field: "Mutation.shareRecordWithReviewers",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!) { shareRecordWithReviewers(id: $id, redactionConfirmed: true) { id sharedWithReviewers } }`,
      variables: { id: await build.addRecord(world[target!].caseId, { title: "Imaging report" }) },
      check: (data) => (data.sharedWithReviewers ? [] : ["not shared"]),
    }),
  },
  {
    field: "Mutation.unshareRecord",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!) { unshareRecord(id: $id) { id sharedWithReviewers } }`,
      variables: { id: await build.addRecord(world[target!].caseId, { title: "Imaging report", share: true }) },
      check: (data) => (data.sharedWithReviewers === false ? [] : ["still shared"]),
    }),
  },
  {
    field: "Mutation.updateMedicalRecord",
    targets: BOTH,
    // A record the target case's patient added: theirs to edit, and any coordinator's.
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!, $input: UpdateMedicalRecordInput!) { updateMedicalRecord(id: $id, input: $input) { id title } }`,
      variables: {
        id: await build.addRecord(world[target!].caseId, { title: "Scan", token: tokens[target === "A" ? "PATIENT_OWNER" : "PATIENT_OTHER"] }),
        input: { title: "Renamed scan" },
      },
      check: (data) => (data.title === "Renamed scan" ? [] : ["not renamed"]),
    }),
  },
  {
    field: "Mutation.saveCaseSummary",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id publishedAt } }`,
      variables: { input: { caseId: world[target!].caseId, language: "EN", currentPlan: "Draft plan, to be discussed" } },
      check: (data) => (data.publishedAt === null ? [] : ["a saved draft is published"]),
    }),
  },
  {
    field: "Mutation.publishCaseSummary",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!) { publishCaseSummary(id: $id) { id publishedAt } }`,
      variables: { id: await build.saveSummary(world[target!].caseId) },
    }),
  },
  {
    field: "Mutation.inviteReviewer",
    targets: BOTH,
    prepare: async ({ target }) => {
      const created = ok(
        await server.gql(
          `mutation($input: CreateUserInput!) { createUser(input: $input) { reviewer { id } } }`,
          // In a country the patient's consent covers: an invitation elsewhere is refused as bad input.
          { input: { email: freshEmail("reviewer"), displayName: "Dr Fresh", role: "REVIEWER", reviewer: { institution: "Partner Hospital", country: world[target!].country, specialties: ["Oncology"], languages: ["EN"] } } },
          f.admin.token,
        ),
      ).createUser;
      return {
        query: `mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id status } }`,
        variables: { c: world[target!].caseId, r: created.reviewer.id },
      };
    },
  },
  {
    field: "Mutation.respondToInvitation",
    targets: BOTH,
    // A fresh invitation of the world's reviewer (own to REVIEWER_ASSIGNED on A), on a fresh case of the world's patient.
    prepare: async ({ target }) => {
      const fresh = await freshCase(target!);
      return {
        query: `mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { id status } }`,
        variables: { id: await build.invite(fresh.id, world[target!].reviewer.reviewerId) },
        check: (data) => (data.status === "ACCEPTED" ? [] : ["not accepted"]),
        cleanup: () => withdrawIfOpen(fresh.id),
      };
    },
  },
  {
    field: "Mutation.submitReview",
    targets: BOTH,
    // Refusals run against the world's accepted assignment (a submit would change it); the allowed cell gets a fresh case.
    prepare: async ({ target, expected }) => {
      const w = world[target!];
      const fresh = expected === "ALLOW" ? await build.assessmentCase(w.patientId, w.reviewer, w.country, { consent: false }) : undefined;
      return {
        query: `mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "The plan is reasonable.") { id status } }`,
        variables: { id: fresh?.assignmentId ?? w.assignmentId },
        check: (data) => (data.status === "SUBMITTED" ? [] : ["not submitted"]),
        cleanup: async () => {
          if (fresh) await withdrawIfOpen(fresh.caseId);
        },
      };
    },
  },
  {
    field: "Mutation.addComment",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      variables: { input: { caseId: world[target!].caseId, summaryId: world[target!].summaryId, section: "STAGE", body: "Staging looks right." } },
    }),
  },
  {
    field: "Mutation.withdrawComment",
    targets: BOTH,
    // Each cell withdraws a fresh comment of its own (written as the role where it may write one), so
    // "only the author" does not turn the cells of other roles into FORBIDDEN.
    prepare: async ({ role, target }) => {
      const w = world[target!];
      const author = role === "REVIEWER_ASSIGNED" && target === "A" ? f.reviewerEn.token : f.coordinator.token;
      return {
        query: `mutation($id: ID!) { withdrawComment(id: $id) { id withdrawn body } }`,
        variables: { id: await build.comment(w.caseId, w.summaryId, "A note to withdraw.", author) },
        check: (data) => (data.withdrawn && data.body === "" ? [] : ["not withdrawn"]),
      };
    },
  },
  {
    field: "Mutation.proposePathwayOption",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id status } }`,
      variables: { input: { caseId: world[target!].caseId, kind: "CLINICAL_TRIAL", title: "Trial enrolment", description: "An open trial.", complexity: "HIGH" } },
    }),
  },
  {
    field: "Mutation.setPathwayOptionStatus",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!) { setPathwayOptionStatus(id: $id, status: SET_ASIDE) { id status } }`,
      variables: { id: await build.proposeOption(world[target!].caseId, "Watchful waiting") },
      check: (data) => (data.status === "SET_ASIDE" ? [] : ["status unchanged"]),
    }),
  },
  {
    field: "Mutation.cancelInvitation",
    targets: BOTH,
    // A fresh case of the target's patient, with its reviewer's country's colleague invited.
    prepare: async ({ target }) => {
      const fresh = await freshCase(target!);
      const invitee = target === "A" ? f.reviewerZh : f.reviewerUs;
      return {
        query: `mutation($id: ID!) { cancelInvitation(assignmentId: $id) { id status } }`,
        variables: { id: await build.invite(fresh.id, invitee.reviewerId) },
        check: (data) => (data.status === "CANCELLED" ? [] : ["not cancelled"]),
        cleanup: () => withdrawIfOpen(fresh.id),
      };
    },
  },
  {
    field: "Mutation.updatePathwayOption",
    targets: BOTH,
    // An option proposed by the case's own reviewer: coordinators and that reviewer may edit it.
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!, $input: UpdatePathwayOptionInput!) { updatePathwayOption(id: $id, input: $input) { id title } }`,
      variables: { id: await build.proposeOption(world[target!].caseId, "Second biopsy", world[target!].reviewer.token), input: { title: "Repeat biopsy" } },
      check: (data) => (data.title === "Repeat biopsy" ? [] : ["title unchanged"]),
    }),
  },
  {
    field: "Mutation.transitionCase",
    variant: "withdraw",
    targets: BOTH,
    prepare: async ({ target }) => {
      const fresh = await freshCase(target!);
      return {
        query: `mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: WITHDRAWN, expectedVersion: $v) { id status } }`,
        variables: { id: fresh.id, v: fresh.version },
        check: (data) => (data.status === "WITHDRAWN" ? [] : ["not withdrawn"]),
        cleanup: () => withdrawIfOpen(fresh.id),
      };
    },
  },
  {
    field: "Mutation.transitionCase",
    variant: "hold",
    targets: BOTH,
    prepare: async ({ target }) => {
      const fresh = await freshCase(target!);
      return {
        query: `mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: ON_HOLD, expectedVersion: $v, note: "waiting for imaging") { id status } }`,
        variables: { id: fresh.id, v: fresh.version },
        check: (data) => (data.status === "ON_HOLD" ? [] : ["not on hold"]),
        cleanup: () => withdrawIfOpen(fresh.id),
      };
    },
  },
  {
    // Each call consents to one more country: an identical active consent would be refused (CONFLICT).
    field: "Mutation.recordConsent",
    targets: BOTH,
    prepare: async ({ role, target }) => ({
      query: `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id active attestedByCoordinator } }`,
      variables: { input: { patientId: world[target!].patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: [world[target!].country, nextCountry()] } },
      check: (data) => (data.attestedByCoordinator === (role === "ADMIN" || role === "COORDINATOR") ? [] : ["attestedByCoordinator is wrong"]),
    }),
  },
  {
    field: "Mutation.revokeConsent",
    targets: BOTH,
    // A fresh consent of the world's patient; revoking it puts their active cases on hold, so they are resumed after.
    prepare: async ({ target }) => ({
      query: `mutation($id: ID!) { revokeConsent(id: $id) { id active } }`,
      variables: { id: await build.recordConsent(world[target!].patientId, [world[target!].country, nextCountry()]) },
      check: (data) => (data.active === false ? [] : ["still active"]),
      after: () => resumeHeldCases(world[target!].patientId),
    }),
  },
  {
    field: "Mutation.exportPatientFile",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($p: ID!) { exportPatientFile(patientId: $p) }`,
      variables: { p: world[target!].patientId },
      check: (data) => (String(data).startsWith(`${server.runtime.publicUrl}/documents/export/`) ? [] : ["no export URL"]),
    }),
  },
  {
    field: "Mutation.requestErasure",
    targets: BOTH,
    // The world's patients must survive the matrix: under a legal hold an allowed request is recorded (false), not run.
    prepare: async ({ target }) => {
      await placeHold(world[target!].patientId);
      return {
        query: `mutation($p: ID!) { requestErasure(patientId: $p) }`,
        variables: { p: world[target!].patientId },
        check: (data) => (data === false ? [] : ["erased despite the legal hold"]),
        cleanup: () => clearHold(world[target!].patientId),
      };
    },
  },
  {
    field: "Mutation.placeLegalHold",
    targets: BOTH,
    prepare: async ({ target }) => ({
      query: `mutation($p: ID!) { placeLegalHold(patientId: $p, reason: "Litigation hold") }`,
      variables: { p: world[target!].patientId },
      check: (data) => (data === true ? [] : ["no hold"]),
      cleanup: () => clearHold(world[target!].patientId),
    }),
  },
  {
    field: "Mutation.liftLegalHold",
    targets: BOTH,
    prepare: async ({ target }) => {
      await placeHold(world[target!].patientId);
      return {
        query: `mutation($p: ID!) { liftLegalHold(patientId: $p) }`,
        variables: { p: world[target!].patientId },
        check: (data) => (data === false ? [] : ["an erasure ran though none was requested"]),
        cleanup: () => clearHold(world[target!].patientId),
      };
    },
  },
];

async function placeHold(patientId: string): Promise<void> {
  await server.db.query(`UPDATE patient SET legal_hold_reason = 'matrix', legal_hold_at = now(), legal_hold_by_user_id = $2 WHERE id = $1`, [patientId, f.admin.userId]);
}

async function clearHold(patientId: string): Promise<void> {
  await server.db.query(`UPDATE patient SET legal_hold_reason = NULL, legal_hold_at = NULL, legal_hold_by_user_id = NULL, erasure_requested_at = NULL WHERE id = $1`, [patientId]);
}

const rowKey = (field: string, variant: string | undefined, target: Target | undefined) => `${field}${variant ? `#${variant}` : ""}${target ? ` @${target}` : ""}`;

const HTTP_ROWS = OPERATIONS.flatMap((op) => (op.targets ?? [undefined]).map((target) => ({ key: rowKey(op.field, op.variant, target), op, target })));

const SUBSCRIPTION_ROWS: Array<{ key: string; query: string; target: Target | undefined }> = [
  { key: "Subscription.caseStatusChanged", query: `subscription { caseStatusChanged { id case { id } } }`, target: undefined },
  { key: "Subscription.caseStatusChanged @A", query: `subscription($c: ID) { caseStatusChanged(caseId: $c) { id case { id } } }`, target: "A" },
  { key: "Subscription.caseStatusChanged @B", query: `subscription($c: ID) { caseStatusChanged(caseId: $c) { id case { id } } }`, target: "B" },
  { key: "Subscription.caseActivity @A", query: `subscription($c: ID!) { caseActivity(caseId: $c) { id type case { id } } }`, target: "A" },
  { key: "Subscription.caseActivity @B", query: `subscription($c: ID!) { caseActivity(caseId: $c) { id type case { id } } }`, target: "B" },
];

const KNOWN_OUTCOMES: readonly string[] = [A, U, F, N];

function outcomeOf(response: GraphQLResponse, fieldName: string): { outcome: string; message?: string } {
  if (response.errors?.length) {
    const code = String(response.errors[0].extensions?.code ?? "NO_CODE");
    return { outcome: code, message: response.errors[0].message };
  }
  return { outcome: response.data?.[fieldName] === undefined ? "NO_DATA" : "ALLOW" };
}

function count(expected: Outcome, observed: string) {
  tally.cells += 1;
  if (expected !== "ALLOW" && observed === expected) tally.denied += 1;
}

test("the table has a row for every root field of the schema, and every row is run", () => {
  const schema = buildMeridianSchema();
  const fields: string[] = [];
  for (const typeName of ["Query", "Mutation", "Subscription"]) {
    const type = schema.getType(typeName);
    if (type && isObjectType(type)) for (const name of Object.keys(type.getFields())) fields.push(`${typeName}.${name}`);
  }
  const rows = Object.keys(EXPECTED);
  const fieldOf = (key: string) => key.split(/[#\s]/)[0];
  expect(fields.filter((field) => !rows.some((key) => fieldOf(key) === field))).toEqual([]);
  expect(rows.filter((key) => !fields.includes(fieldOf(key)))).toEqual([]);
  const runnable = [...HTTP_ROWS.map((r) => r.key), ...SUBSCRIPTION_ROWS.map((r) => r.key)].sort();
  expect(runnable).toEqual([...rows].sort());
  for (const row of Object.values(EXPECTED)) expect(row).toHaveLength(ROLES.length);
});

describe.each(HTTP_ROWS)("$key", ({ key, op, target }) => {
  test("each role gets the outcome of the table", async () => {
    const expected = EXPECTED[key];
    const observed: string[] = [];
    const problems: string[] = [];
    const fieldName = op.field.split(".")[1];
    for (const [i, role] of ROLES.entries()) {
      const cell: Cell = { role, target, expected: expected[i] };
      const prepared = await op.prepare(cell);
      try {
        const response = await server.gql(prepared.query, prepared.variables ?? {}, tokens[role]);
        const { outcome, message } = outcomeOf(response, fieldName);
        observed.push(outcome);
        count(expected[i], outcome);
        if (!KNOWN_OUTCOMES.includes(outcome)) problems.push(`${role}: ${outcome} ${message ?? ""}`);
        if (outcome !== "ALLOW" && response.data?.[fieldName] != null) problems.push(`${role}: data came with the error`);
        if (outcome === "ALLOW") {
          for (const problem of prepared.check?.(response.data![fieldName]) ?? []) problems.push(`${role}: ${problem}`);
          await prepared.after?.(response.data![fieldName]);
        }
      } finally {
        await prepared.cleanup?.();
      }
    }
    expect({ observed, problems }).toEqual({ observed: [...expected], problems: [] });
  });
});

describe("subscriptions over the WebSocket", () => {
  const clients: WsClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
  });

  function subscriptionOutcome(subscription: Subscription): string {
    const error = subscription.error as any;
    if (error !== undefined) {
      if (Array.isArray(error)) return String(error[0]?.extensions?.code ?? "NO_CODE");
      if (error?.code === 4401) return "UNAUTHENTICATED";
      return `CLOSED_${error?.code ?? "?"}`;
    }
    const failed = subscription.results.find((r) => r.errors?.length);
    if (failed) return String(failed.errors![0].extensions?.code ?? "NO_CODE");
    return subscription.completed ? "COMPLETED" : "ALLOW";
  }

  test("each role gets the outcome of the table, and events only of cases it may see", async () => {
    const subscriptions = new Map<string, Subscription>();
    for (const role of ROLES) {
      const client = connect(server, tokens[role]);
      clients.push(client);
      for (const row of SUBSCRIPTION_ROWS) {
        subscriptions.set(`${row.key}|${role}`, client.subscribe(row.query, row.target ? { c: world[row.target].caseId } : {}));
      }
    }
    // Refusals arrive at once; accepted subscriptions then receive a hold and a resume of each world case.
    const refused = (s: Subscription) => s.error !== undefined || s.completed;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && ![...subscriptions.entries()].every(([k, s]) => refused(s) || EXPECTED[k.split("|")[0]][ROLES.indexOf(k.split("|")[1] as RoleName)] === "ALLOW")) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await new Promise((r) => setTimeout(r, 200));
    for (const t of BOTH) {
      await build.move(world[t].caseId, "ON_HOLD", "matrix: following live");
      await build.move(world[t].caseId, "PATHWAY_ASSESSMENT");
    }
    const caseSpecific = [...subscriptions.entries()].filter(([k]) => k.includes("@"));
    const until = Date.now() + 10_000;
    while (Date.now() < until && !caseSpecific.every(([, s]) => refused(s) || s.results.length >= 2)) await new Promise((r) => setTimeout(r, 20));
    await server.app.listener.settle();
    await new Promise((r) => setTimeout(r, 200));

    const problems: string[] = [];
    const observedRows: Record<string, string[]> = {};
    const expectedRows: Record<string, readonly Outcome[]> = {};
    for (const row of SUBSCRIPTION_ROWS) {
      expectedRows[row.key] = EXPECTED[row.key];
      observedRows[row.key] = ROLES.map((role, i) => {
        const subscription = subscriptions.get(`${row.key}|${role}`)!;
        let outcome = subscriptionOutcome(subscription);
        if (outcome === "ALLOW" && row.target && subscription.results.length < 2) outcome = `ALLOW_BUT_${subscription.results.length}_EVENTS`;
        count(EXPECTED[row.key][i], outcome);
        if (outcome === "ALLOW") {
          const seen = new Set(subscription.results.map((r) => r.data?.[row.key.includes("Activity") ? "caseActivity" : "caseStatusChanged"]?.case?.id));
          for (const t of BOTH) {
            const shouldSee = visibleWorlds(role).includes(t);
            if (row.target && t !== row.target) continue;
            if (seen.has(world[t].caseId) !== shouldSee) problems.push(`${row.key} ${role}: events of case ${t} ${shouldSee ? "missing" : "leaked"}`);
          }
        }
        return outcome;
      });
    }
    expect({ rows: observedRows, problems }).toEqual({ rows: expectedRows, problems: [] });
  });
});

describe("a foreign object answers exactly like a missing one", () => {
  const missing = () => crypto.randomUUID();

  async function measure(query: string, variables: Record<string, unknown>, token: string | undefined) {
    await server.app.listener.settle();
    await new Promise((r) => setTimeout(r, 50));
    await server.app.listener.settle();
    server.statements.length = 0;
    const response = await server.gql(query, variables, token);
    // The outbox does not poll here (outboxPollMs: 0); the counts' folding still may.
    const statements = server.statements.filter((sql) => !isCountFolding(sql));
    return { response, statements };
  }

  const CASES: Array<{ label: string; role: RoleName; target: Target; query: string; variables: (id: string) => Record<string, unknown>; id: (w: World) => string }> = [];
  const caseQuery = `query($id: ID!) { case(id: $id) { id reference } }`;
  const patientQuery = `query($id: ID!) { patient(id: $id) { id fullName } }`;
  const transition = `mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: WITHDRAWN, expectedVersion: $v) { id } }`;
  const addRecord = `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`;
  const consent = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`;
  for (const [role, target] of [
    ["PATIENT_OTHER", "A"],
    ["PATIENT_OWNER", "B"],
    ["REVIEWER_UNASSIGNED", "A"],
    ["REVIEWER_ASSIGNED", "B"],
  ] as Array<[RoleName, Target]>) {
    CASES.push({ label: "case(id)", role, target, query: caseQuery, variables: (id) => ({ id }), id: (w) => w.caseId });
    CASES.push({ label: "patient(id)", role, target, query: patientQuery, variables: (id) => ({ id }), id: (w) => w.patientId });
  }
  for (const [role, target] of [
    ["PATIENT_OTHER", "A"],
    ["PATIENT_OWNER", "B"],
  ] as Array<[RoleName, Target]>) {
    CASES.push({ label: "transitionCase", role, target, query: transition, variables: (id) => ({ id, v: 1 }), id: (w) => w.caseId });
    CASES.push({
      label: "addMedicalRecord",
      role,
      target,
      query: addRecord,
      variables: (caseId) => ({ input: { caseId, kind: "OTHER", title: "Probe", language: "EN" } }),
      id: (w) => w.caseId,
    });
    CASES.push({
      label: "recordConsent",
      role,
      target,
      query: consent,
      variables: (patientId) => ({ input: { patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }),
      id: (w) => w.patientId,
    });
  }

  test.each(CASES)("$label as $role on case $target's object vs a random UUID", async ({ role, target, query, variables, id }) => {
    const foreign = await measure(query, variables(id(world[target])), tokens[role]);
    const absent = await measure(query, variables(missing()), tokens[role]);
    const staff = await measure(query, variables(missing()), f.coordinator.token);
    const shape = (r: GraphQLResponse) => ({ data: r.data, errors: r.errors?.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions })) });
    expect(foreign.response.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(shape(foreign.response)).toEqual(shape(absent.response));
    expect(shape(staff.response)).toEqual(shape(absent.response));
    // The same statements, in the same order: one code path, whether the object exists or not.
    const brief = (sql: string) => sql.replace(/"[A-Za-z]+"\."([a-z_]+)" AS "[A-Za-z_]+",? ?/g, "").slice(0, 90);
    expect({ count: foreign.statements.length, statements: foreign.statements.map(brief) }).toEqual({ count: absent.statements.length, statements: absent.statements.map(brief) });
    expect(foreign.statements).toEqual(absent.statements);
    expect(foreign.statements.length).toBeGreaterThan(0);
  });
});
