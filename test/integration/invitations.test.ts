import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/**
 * Invitations that can be answered: refused at once when the patient's consent does not
 * cover the reviewer's country; sent again after a decline or a cancellation; cancelled by
 * staff before an answer, after which the reviewer sees nothing of the case.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "inv");
  build = new CaseBuilder(server, f.coordinator.token);
  // The patient consents to review in China only.
  await build.recordConsent(f.patient.patientId, ["CN"]);
});
afterAll(() => server.close());

const invite = (caseId: string, reviewerId: string, dueAt?: string) =>
  server.gql(`mutation($c: ID!, $r: ID!, $d: DateTimeISO) { inviteReviewer(caseId: $c, reviewerId: $r, dueAt: $d) { id status dueAt declineReason } }`, { c: caseId, r: reviewerId, d: dueAt }, f.coordinator.token);
const respond = (assignmentId: string, accept: boolean, token: string, reason?: string) =>
  server.gql(`mutation($id: ID!, $a: Boolean!, $r: String) { respondToInvitation(assignmentId: $id, accept: $a, reason: $r) { id status } }`, { id: assignmentId, a: accept, r: reason }, token);
const cancel = (assignmentId: string, token = f.coordinator.token) =>
  server.gql(`mutation($id: ID!) { cancelInvitation(assignmentId: $id) { id status } }`, { id: assignmentId }, token);
const staffCase = async (caseId: string) =>
  ok(await server.gql(`query($id: ID!) { case(id: $id) { assignments { id status reviewer { id } } events { type note } } }`, { id: caseId }, f.coordinator.token)).case;
const assignmentRows = (caseId: string) => server.db.query(`SELECT id, status FROM review_assignment WHERE case_id = $1`, [caseId]);

test("a reviewer whose country the patient's consent does not cover is refused at once, naming the country; nothing is written", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const refused = failure(await invite(caseId, f.reviewerUs.reviewerId));
  expect(refused).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "reviewerId" } });
  expect(refused.message).toContain("US");
  expect(await assignmentRows(caseId)).toEqual([]);
  expect((await staffCase(caseId)).events.map((e: { type: string }) => e.type)).toEqual(["CASE_OPENED"]);

  // A patient with no consent at all: refused the same way.
  const otherCase = await build.openCase(f.otherPatient.patientId);
  expect(failure(await invite(otherCase, f.reviewerEn.reviewerId))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "reviewerId" } });

  // Covered: invited, and the invitation can be answered.
  const assignment = ok(await invite(caseId, f.reviewerEn.reviewerId)).inviteReviewer;
  expect(ok(await respond(assignment.id, true, f.reviewerEn.token)).respondToInvitation.status).toBe("ACCEPTED");
});

test("a reviewer who declined can be invited again: the same assignment goes back to INVITED with a new due date, and the events keep the history", async () => {
  const caseId = await build.openCase(f.patient.patientId);
  const first = ok(await invite(caseId, f.reviewerZh.reviewerId)).inviteReviewer;
  ok(await respond(first.id, false, f.reviewerZh.token, "On leave this month"));
  expect(failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, f.reviewerZh.token)).code).toBe("NOT_FOUND");

  const due = new Date(Date.now() + 14 * 86_400_000).toISOString();
  const again = ok(await invite(caseId, f.reviewerZh.reviewerId, due)).inviteReviewer;
  expect(again).toEqual({ id: first.id, status: "INVITED", dueAt: due, declineReason: null });
  expect(ok(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, f.reviewerZh.token)).case.id).toBe(caseId);
  expect(ok(await respond(first.id, true, f.reviewerZh.token)).respondToInvitation.status).toBe("ACCEPTED");

  const events = await server.db.query(`SELECT type, note FROM case_event WHERE subject_id = $1 ORDER BY id`, [first.id]);
  expect(events.map((e: { type: string; note: string | null }) => [e.type, e.note])).toEqual([
    ["REVIEWER_INVITED", null],
    ["INVITATION_ANSWERED", "declined"],
    ["REVIEWER_INVITED", "invited again (was DECLINED)"],
    ["INVITATION_ANSWERED", "accepted"],
  ]);
  // Over the API the server's own notes carry a code and values, so each reader's language words them.
  const read = ok(await server.gql(`query($id: ID!) { case(id: $id) { events { type note noteCode noteValues } } }`, { id: caseId }, f.coordinator.token)).case.events;
  expect(read.filter((e: { type: string }) => e.type !== "CASE_OPENED")).toEqual([
    { type: "REVIEWER_INVITED", note: null, noteCode: null, noteValues: null },
    { type: "INVITATION_ANSWERED", note: "declined", noteCode: "INVITATION_DECLINED", noteValues: [] },
    { type: "REVIEWER_INVITED", note: "invited again (was DECLINED)", noteCode: "INVITED_AGAIN", noteValues: ["DECLINED"] },
    { type: "INVITATION_ANSWERED", note: "accepted", noteCode: "INVITATION_ACCEPTED", noteValues: [] },
  ]);
  const audit = await server.db.query(`SELECT action FROM audit_entry WHERE object_id = $1 AND action LIKE '%INVIT%' ORDER BY id`, [first.id]);
  expect(audit.map((r: { action: string }) => r.action)).toEqual(["INVITE_REVIEWER", "DECLINE_INVITATION", "REINVITE_REVIEWER", "ACCEPT_INVITATION"]);

  // A reviewer on the case (invited, accepted) is not invited twice.
  expect(failure(await invite(caseId, f.reviewerZh.reviewerId))).toMatchObject({ code: "CONFLICT", extensions: { field: "reviewerId" } });
});

describe("cancelInvitation", () => {
  test("an unanswered invitation is cancelled: the reviewer sees nothing of the case, an event and an audit entry are written", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const assignment = ok(await invite(caseId, f.reviewerEn.reviewerId)).inviteReviewer;
    const cancelled = ok(await cancel(assignment.id)).cancelInvitation;
    expect(cancelled).toEqual({ id: assignment.id, status: "CANCELLED" });

    expect(failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, f.reviewerEn.token)).code).toBe("NOT_FOUND");
    expect(failure(await respond(assignment.id, true, f.reviewerEn.token)).code).toBe("NOT_FOUND");
    expect(failure(await respond(assignment.id, false, f.reviewerEn.token)).code).toBe("NOT_FOUND");
    const list = ok(await server.gql(`{ cases(first: 100) { edges { node { id } } } }`, {}, f.reviewerEn.token)).cases.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(list).not.toContain(caseId);
    const own = ok(await server.gql(`{ viewer { reviewer { assignments { id status case { id } } } } }`, {}, f.reviewerEn.token)).viewer.reviewer.assignments;
    expect(own.find((a: { id: string }) => a.id === assignment.id)).toEqual({ id: assignment.id, status: "CANCELLED", case: null });

    const staff = await staffCase(caseId);
    expect(staff.assignments).toEqual([{ id: assignment.id, status: "CANCELLED", reviewer: { id: f.reviewerEn.reviewerId } }]);
    expect(staff.events[staff.events.length - 1]).toEqual({ type: "INVITATION_CANCELLED", note: null });
    const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'CANCEL_INVITATION' AND object_id = $1`, [assignment.id]);
    expect(n).toBe(1);
    // The patient does not see the team's working steps.
    const patientEvents = ok(await server.gql(`query($id: ID!) { case(id: $id) { events { type } } }`, { id: caseId }, f.patient.token)).case.events;
    expect(patientEvents.map((e: { type: string }) => e.type)).not.toContain("INVITATION_CANCELLED");

    // Cancelled twice: CONFLICT. Invited again afterwards: allowed.
    expect(failure(await cancel(assignment.id))).toMatchObject({ code: "CONFLICT", extensions: { field: "assignmentId" } });
    expect(ok(await invite(caseId, f.reviewerEn.reviewerId)).inviteReviewer).toMatchObject({ id: assignment.id, status: "INVITED" });
  });

  test("an answered invitation cannot be cancelled; only coordinators cancel", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const assignment = ok(await invite(caseId, f.reviewerEn.reviewerId)).inviteReviewer;
    expect(failure(await cancel(assignment.id, f.reviewerEn.token)).code).toBe("FORBIDDEN");
    expect(failure(await cancel(assignment.id, f.patient.token)).code).toBe("FORBIDDEN");
    ok(await respond(assignment.id, true, f.reviewerEn.token));
    expect(failure(await cancel(assignment.id))).toMatchObject({ code: "CONFLICT", extensions: { field: "assignmentId" } });
    expect((await assignmentRows(caseId))[0].status).toBe("ACCEPTED");
    expect(failure(await cancel("00000000-0000-4000-8000-000000000000")).code).toBe("NOT_FOUND");
  });
});
