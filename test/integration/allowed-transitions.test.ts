import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, isBackgroundStatement, ok, startTestServer, type TestServer } from "../support/server";

/**
 * Case.allowedTransitions against what transitionCase actually does, at every status of a
 * case walked through the whole workflow (hold and resume, reopening option mapping
 * included), for each kind of viewer; and its cost on a list of cases.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "allowed");
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server.close());

const STATUSES = ["RECORDS_COLLECTION", "CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED", "CLOSED", "ON_HOLD", "WITHDRAWN"];

interface Option {
  to: string;
  allowed: boolean;
  missing: string[];
  noteRequired: boolean;
}

async function listed(caseId: string, token: string): Promise<{ status: string; version: number; allowedTransitions: Option[] }> {
  return ok(await server.gql(`query($id: ID!) { case(id: $id) { status version allowedTransitions { to allowed missing noteRequired } } }`, { id: caseId }, token)).case;
}

const transition = (caseId: string, to: string, version: number, token: string, note?: string) =>
  server.gql(`mutation($id: ID!, $to: CaseStatus!, $v: Int!, $n: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $n) { status } }`, { id: caseId, to, v: version, n: note }, token);

/**
 * Checks the coordinator's list against transitionCase: every target not allowed is refused
 * with exactly the listed missing requirements (none for a target that is not an edge); the
 * patient's and the reviewer's lists are checked too. Returns the coordinator's list.
 */
async function agrees(caseId: string, reviewerToken?: string): Promise<Map<string, Option>> {
  const { status, version, allowedTransitions } = await listed(caseId, f.coordinator.token);
  const options = new Map(allowedTransitions.map((o) => [o.to, o]));
  expect(options.size).toBe(allowedTransitions.length);
  for (const to of STATUSES) {
    const option = options.get(to);
    if (option?.allowed) continue;
    const refusal = failure(await transition(caseId, to, version, f.coordinator.token, "checking"));
    expect({ status, to, code: refusal.code, missing: [...refusal.extensions.missing].sort() }).toEqual({ status, to, code: "TRANSITION_NOT_ALLOWED", missing: [...(option?.missing ?? [])].sort() });
  }
  for (const option of allowedTransitions) expect(option.noteRequired).toBe(option.to === "ON_HOLD");

  // The patient: withdrawal only, while the case is not closed or withdrawn; any other move is FORBIDDEN.
  const mine = await listed(caseId, f.patient.token);
  const terminal = status === "CLOSED" || status === "WITHDRAWN";
  expect(mine.allowedTransitions).toEqual(terminal ? [] : [{ to: "WITHDRAWN", allowed: true, missing: [], noteRequired: false }]);
  if (!terminal) expect(failure(await transition(caseId, "ON_HOLD", version, f.patient.token, "why")).code).toBe("FORBIDDEN");
  // Reviewers and admins move nothing.
  if (reviewerToken && !terminal) expect((await listed(caseId, reviewerToken)).allowedTransitions).toEqual([]);
  expect((await listed(caseId, f.admin.token)).allowedTransitions).toEqual([]);
  // Nothing above changed the case.
  expect((await listed(caseId, f.coordinator.token)).version).toBe(version);
  return options;
}

/** Puts the case on hold (as listed), checks the held case's list, resumes it (as listed). */
async function holdAndResume(caseId: string, reviewerToken?: string): Promise<void> {
  const before = await listed(caseId, f.coordinator.token);
  expect(before.allowedTransitions.find((o) => o.to === "ON_HOLD")).toEqual({ to: "ON_HOLD", allowed: true, missing: [], noteRequired: true });
  ok(await transition(caseId, "ON_HOLD", before.version, f.coordinator.token, "waiting for the patient"));
  const held = await agrees(caseId, reviewerToken);
  expect([...held.keys()].sort()).toEqual([before.status, "WITHDRAWN"].sort());
  expect(held.get(before.status)!.allowed).toBe(true);
  await build.move(caseId, before.status);
}

/** Moves the case to `to`, which its list must show as allowed. */
async function moveAsListed(caseId: string, to: string): Promise<void> {
  const { version, allowedTransitions } = await listed(caseId, f.coordinator.token);
  expect(allowedTransitions.find((o) => o.to === to)).toMatchObject({ to, allowed: true, missing: [] });
  expect(ok(await transition(caseId, to, version, f.coordinator.token)).transitionCase.status).toBe(to);
}

test("at every status, the coordinator's, the patient's and a reviewer's lists agree with what transitionCase does", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const reviewer = f.reviewerEn;

  let options = await agrees(caseId);
  expect(options.get("CASE_ORGANISATION")).toMatchObject({ allowed: false, missing: ["MEDICAL_RECORD"] });
  expect(options.get("WITHDRAWN")).toMatchObject({ allowed: true });
  await holdAndResume(caseId);
  await build.addRecord(caseId, { share: true });
  await moveAsListed(caseId, "CASE_ORGANISATION");

  options = await agrees(caseId);
  expect(options.get("TRANSLATION")).toMatchObject({ allowed: false, missing: ["PUBLISHED_SUMMARY"] });
  await holdAndResume(caseId);
  await build.publishSummary(await build.saveSummary(caseId));
  await moveAsListed(caseId, "TRANSLATION");

  options = await agrees(caseId);
  expect(options.get("PATHWAY_ASSESSMENT")!.missing).toContain("ACCEPTED_REVIEWER");
  await holdAndResume(caseId);
  await build.recordConsent(f.patient.patientId, ["CN"]);
  const assignmentId = await build.invite(caseId, reviewer.reviewerId);
  await agrees(caseId, reviewer.token);
  await build.accept(assignmentId, reviewer);
  await moveAsListed(caseId, "PATHWAY_ASSESSMENT");

  options = await agrees(caseId, reviewer.token);
  expect(options.get("OPTION_MAPPING")).toMatchObject({ allowed: false, missing: ["SUBMITTED_REVIEW"] });
  await holdAndResume(caseId, reviewer.token);
  ok(await server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "Reasonable.") { status } }`, { id: assignmentId }, reviewer.token));
  await moveAsListed(caseId, "OPTION_MAPPING");

  options = await agrees(caseId, reviewer.token);
  expect(options.get("OPTIONS_DELIVERED")).toMatchObject({ allowed: false, missing: ["OPTION_FOR_PRESENTATION"] });
  await holdAndResume(caseId, reviewer.token);
  const optionId = await build.proposeOption(caseId);
  ok(await server.gql(`mutation($id: ID!) { setPathwayOptionStatus(id: $id, status: SELECTED_FOR_PRESENTATION) { id } }`, { id: optionId }, f.coordinator.token));
  await moveAsListed(caseId, "OPTIONS_DELIVERED");

  // Delivered: reopening option mapping and closing are both listed, and both work.
  options = await agrees(caseId, reviewer.token);
  expect([...options.keys()].sort()).toEqual(["CLOSED", "ON_HOLD", "OPTION_MAPPING", "WITHDRAWN"]);
  await holdAndResume(caseId, reviewer.token);
  await moveAsListed(caseId, "OPTION_MAPPING");
  await agrees(caseId, reviewer.token);
  await moveAsListed(caseId, "OPTIONS_DELIVERED");
  await moveAsListed(caseId, "CLOSED");

  options = await agrees(caseId);
  expect([...options.keys()]).toEqual([]);
});

test("the patient withdraws as their list says; a withdrawn case lists nothing and takes no move", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const { version, allowedTransitions } = await listed(caseId, f.patient.token);
  expect(allowedTransitions).toEqual([{ to: "WITHDRAWN", allowed: true, missing: [], noteRequired: false }]);
  expect(ok(await transition(caseId, "WITHDRAWN", version, f.patient.token)).transitionCase.status).toBe("WITHDRAWN");
  expect(await agrees(caseId)).toEqual(new Map());
});

test("a list of cases with their allowed transitions costs as many statements for 8 cases as for 2", async () => {
  const query = `query($n: Int) { cases(first: $n) { edges { node { id allowedTransitions { to allowed missing } } } } }`;
  for (let i = 0; i < 8; i++) await build.openCase(f.otherPatient.patientId);
  const measure = async (n: number) => {
    server.statements.length = 0;
    const edges = ok(await server.gql(query, { n }, f.coordinator.token)).cases.edges;
    expect(edges).toHaveLength(n);
    for (const edge of edges) expect(Array.isArray(edge.node.allowedTransitions)).toBe(true);
    return server.statements.filter((sql) => !isBackgroundStatement(sql)).length;
  };
  expect(await measure(8)).toBe(await measure(2));
});
