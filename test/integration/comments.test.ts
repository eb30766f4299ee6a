import crypto from "node:crypto";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { connect } from "../support/ws-client";

/** withdrawComment: only its author, only while the case is open; the text goes, the thread stays. */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
let world: Awaited<ReturnType<CaseBuilder["assessmentCase"]>>;

const WITHDRAW = `mutation($id: ID!) { withdrawComment(id: $id) { id body withdrawn withdrawnAt } }`;
const THREAD = `query($id: ID!) { case(id: $id) { version comments { id body withdrawn withdrawnAt parent { id body withdrawn } } } }`;

beforeAll(async () => {
  server = await startTestServer({ outboxPollMs: 0 });
  f = await createFixtures(server, "cmt");
  build = new CaseBuilder(server, f.coordinator.token);
  world = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN");
});
afterAll(() => server?.close());

async function reply(parentId: string, body: string, token = f.coordinator.token, { section = "GENERAL", summaryId = world.summaryId } = {}) {
  return server.gql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id withdrawn withdrawnAt } }`, { input: { caseId: world.caseId, summaryId, section, body, parentId } }, token);
}

test("the author withdraws: the text is gone for everyone and from the database, replies keep their parent, the team gets an event", async () => {
  const commentId = await build.comment(world.caseId, world.summaryId, "Reviewer note: consider re-staging with PET-CT.", f.reviewerEn.token);
  const added = ok(await reply(commentId, "Agreed, PET-CT booked.")).addComment;
  expect(added).toMatchObject({ withdrawn: false, withdrawnAt: null });
  const replyId = added.id;
  const version = await build.version(world.caseId);

  const withdrawn = ok(await server.gql(WITHDRAW, { id: commentId }, f.reviewerEn.token)).withdrawComment;
  expect(withdrawn).toMatchObject({ id: commentId, body: "", withdrawn: true });
  expect(Date.parse(withdrawn.withdrawnAt)).not.toBeNaN();

  for (const token of [f.coordinator.token, f.admin.token, f.reviewerEn.token]) {
    const { comments } = ok(await server.gql(THREAD, { id: world.caseId }, token)).case;
    expect(comments.find((c: any) => c.id === commentId)).toMatchObject({ body: "", withdrawn: true });
    expect(comments.find((c: any) => c.id === replyId)).toMatchObject({ body: "Agreed, PET-CT booked.", withdrawn: false, parent: { id: commentId, body: "", withdrawn: true } });
  }
  const [row] = await server.db.query(`SELECT body FROM comment WHERE id = $1`, [commentId]);
  expect(row.body).toBe("");
  expect(await build.version(world.caseId)).toBe(version + 1);
  const events = await server.db.query(`SELECT type, actor_user_id FROM case_event WHERE case_id = $1 AND subject_id = $2 ORDER BY id`, [world.caseId, commentId]);
  expect(events).toEqual([
    { type: "COMMENT_ADDED", actor_user_id: f.reviewerEn.userId },
    { type: "COMMENT_WITHDRAWN", actor_user_id: f.reviewerEn.userId },
  ]);
  const audits = await server.db.query(`SELECT actor_user_id, patient_id FROM audit_entry WHERE action = 'WITHDRAW_COMMENT' AND object_id = $1`, [commentId]);
  expect(audits).toEqual([{ actor_user_id: f.reviewerEn.userId, patient_id: f.patient.patientId }]);

  // A second withdrawal changes nothing: the same answer, no second event or audit entry.
  expect(ok(await server.gql(WITHDRAW, { id: commentId }, f.reviewerEn.token)).withdrawComment).toEqual(withdrawn);
  expect(await build.version(world.caseId)).toBe(version + 1);
  expect(await server.db.query(`SELECT 1 FROM audit_entry WHERE action = 'WITHDRAW_COMMENT' AND object_id = $1`, [commentId])).toHaveLength(1);

  // Nobody answers a withdrawn comment.
  expect(failure(await reply(commentId, "Late answer"))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.parentId" } });
});

test("only the author: others who see the comment are FORBIDDEN, those who do not get NOT_FOUND, as for a missing id", async () => {
  const commentId = await build.comment(world.caseId, world.summaryId, "Coordinator note.");
  expect(failure(await server.gql(WITHDRAW, { id: commentId }, f.reviewerEn.token)).code).toBe("FORBIDDEN");
  expect(failure(await server.gql(WITHDRAW, { id: commentId }, f.reviewerZh.token)).code).toBe("NOT_FOUND");
  expect(failure(await server.gql(WITHDRAW, { id: crypto.randomUUID() }, f.reviewerZh.token)).code).toBe("NOT_FOUND");
  for (const token of [f.admin.token, f.patient.token]) expect(failure(await server.gql(WITHDRAW, { id: commentId }, token)).code).toBe("FORBIDDEN");
  // A coordinator's note on a draft summary does not exist for the reviewer.
  const draftId = await build.saveSummary(world.caseId, { currentPlan: "Draft plan" });
  const onDraft = await build.comment(world.caseId, draftId, "Note on the draft.");
  expect(failure(await server.gql(WITHDRAW, { id: onDraft }, f.reviewerEn.token)).code).toBe("NOT_FOUND");
  const [row] = await server.db.query(`SELECT body, withdrawn_at FROM comment WHERE id = $1`, [commentId]);
  expect(row).toEqual({ body: "Coordinator note.", withdrawn_at: null });
});

test("only while the case is open", async () => {
  const other = await build.assessmentCase(f.otherPatient.patientId, f.reviewerUs, "US");
  await build.move(other.caseId, "WITHDRAWN");
  expect(failure(await server.gql(WITHDRAW, { id: other.commentId }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
  const [row] = await server.db.query(`SELECT withdrawn_at FROM comment WHERE id = $1`, [other.commentId]);
  expect(row.withdrawn_at).toBeNull();
});

test("patients see no COMMENT_WITHDRAWN, in Case.events or live; the team does", async () => {
  const commentId = await build.comment(world.caseId, world.summaryId, "To be withdrawn.");
  const patient = connect(server, f.patient.token);
  const coordinator = connect(server, f.coordinator.token);
  try {
    const query = `subscription($c: ID!, $after: ID) { caseActivity(caseId: $c, after: $after) { id type } }`;
    const [last] = await server.db.query(`SELECT max(id)::text AS id FROM case_event WHERE case_id = $1`, [world.caseId]);
    const patientLive = patient.subscribe(query, { c: world.caseId, after: last.id });
    const teamLive = coordinator.subscribe(query, { c: world.caseId, after: last.id });
    ok(await server.gql(WITHDRAW, { id: commentId }, f.coordinator.token));
    // A status change after the withdrawal: once the patient has it, they would have had the withdrawal before it.
    await build.move(world.caseId, "ON_HOLD", "waiting for imaging");
    await patientLive.waitFor(1);
    await teamLive.waitFor(2);
    expect(patientLive.results.map((r) => r.data?.caseActivity.type)).toEqual(["STATUS_CHANGED"]);
    expect(teamLive.results.map((r) => r.data?.caseActivity.type)).toEqual(["COMMENT_WITHDRAWN", "STATUS_CHANGED"]);
    await build.move(world.caseId, "PATHWAY_ASSESSMENT");
  } finally {
    await patient.dispose();
    await coordinator.dispose();
  }
  const events = `query($id: ID!) { case(id: $id) { events(first: 500) { type } } }`;
  const seenBy = async (token: string) => ok(await server.gql(events, { id: world.caseId }, token)).case.events.map((e: any) => e.type);
  expect(await seenBy(f.patient.token)).not.toContain("COMMENT_WITHDRAWN");
  expect(await seenBy(f.coordinator.token)).toContain("COMMENT_WITHDRAWN");
});

test("replies: one level deep, on the section of the comment they answer; a comment on a draft is no comment for a reviewer", async () => {
  const opener = await build.comment(world.caseId, world.summaryId, "Is the nodal staging certain?", f.reviewerEn.token);
  const answer = ok(await reply(opener, "Yes: EBUS confirmed N1.")).addComment.id;
  const thread = ok(await server.gql(THREAD, { id: world.caseId }, f.reviewerEn.token)).case.comments;
  expect(thread.find((c: any) => c.id === answer)).toMatchObject({ parent: { id: opener } });

  const version = await build.version(world.caseId);
  const [{ n: before }] = await server.db.query(`SELECT count(*)::int AS n FROM comment WHERE case_id = $1`, [world.caseId]);
  expect(failure(await reply(opener, "On another section", f.reviewerEn.token, { section: "STAGE" }))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.section" } });
  expect(failure(await reply(answer, "A reply to a reply", f.reviewerEn.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.parentId" } });
  const draftId = await build.saveSummary(world.caseId, { currentPlan: "Draft plan for the thread test" });
  const onDraft = await build.comment(world.caseId, draftId, "Coordinator note on the draft.");
  const missing = failure(await reply(crypto.randomUUID(), "To nothing", f.reviewerEn.token));
  const draft = failure(await reply(onDraft, "To the draft's note", f.reviewerEn.token));
  expect(draft).toEqual(missing);
  expect(draft).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.parentId" } });
  const [{ n: after }] = await server.db.query(`SELECT count(*)::int AS n FROM comment WHERE case_id = $1`, [world.caseId]);
  expect(after).toBe(before + 1);
  expect(await build.version(world.caseId)).toBe(version + 1);
  // Staff see the draft, and may answer there.
  ok(await reply(onDraft, "Noted.", f.coordinator.token, { summaryId: draftId }));
});
