import { CaseEventType } from "../../server/common/enums";
import { appendEvents } from "../../server/events/outbox";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";
import { connect, type WsClient } from "../support/ws-client";

/** Patient.accessLog: who opened or changed the patient's file, as the patient reads it. */
let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const clients: WsClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
  build = new CaseBuilder(server, f.coordinator.token);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.dispose()));
});
afterAll(() => server.close());

const ENTRY = `id at actorName actorRole action kind description actorInstitution actorCountry count firstAt lastAt`;

interface Entry {
  id: string;
  at: string;
  actorName: string;
  actorRole: string;
  action: string;
  kind: string;
  description: string;
  actorInstitution: string | null;
  actorCountry: string | null;
  count: number;
  firstAt: string;
  lastAt: string;
}

async function accessLog(patientId: string, token: string, args: { first?: number; after?: string | null } = {}): Promise<Entry[]> {
  return ok(await server.gql(`query($id: ID!, $first: Int, $after: ID) { patient(id: $id) { accessLog(first: $first, after: $after) { ${ENTRY} } } }`, { id: patientId, first: args.first ?? 500, after: args.after ?? null }, token)).patient
    .accessLog;
}

async function newPatient(name: string, language: "EN" | "ZH" = "EN"): Promise<{ patientId: string; userId: string }> {
  const email = `${name.toLowerCase().replace(/\W+/g, ".")}@test.meridian`;
  const created = ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName: name, dateOfBirth: "1958-02-03", email, preferredLanguage: language } },
      f.coordinator.token,
    ),
  ).createPatient;
  return { patientId: created.id, userId: created.userId };
}

const reviewerEn = () => ({ token: f.reviewerEn.token, reviewerId: f.reviewerEn.reviewerId });

test("a patient reads who opened or changed their file in plain words, never the team's working steps nor their own reads", async () => {
  const { caseId, summaryId } = await build.assessmentCase(f.patient.patientId, reviewerEn(), "CN");
  // The review team works: a reviewer's comment and option, besides the coordinator's (assessmentCase).
  await build.comment(caseId, summaryId, "Consider a trial.", f.reviewerEn.token);
  await build.proposeOption(caseId, "Trial enrolment", f.reviewerEn.token);
  ok(await server.gql(`query($id: ID!) { case(id: $id) { summaries { id } records { id } } }`, { id: caseId }, f.reviewerEn.token));
  // The patient opens their own case, again and again.
  for (let i = 0; i < 3; i++) ok(await server.gql(`query($id: ID!) { case(id: $id) { status events { type } } }`, { id: caseId }, f.patient.token));

  const log = await accessLog(f.patient.patientId, f.patient.token);
  // The trail itself holds everything, the working steps included.
  const actions = (await server.db.query(`SELECT DISTINCT action FROM audit_entry WHERE patient_id = $1`, [f.patient.patientId])).map((r: { action: string }) => r.action);
  expect(actions).toEqual(expect.arrayContaining(["ADD_COMMENT", "PROPOSE_OPTION", "ACCEPT_INVITATION", "READ_CASE"]));

  const words = log.map((e) => `${e.action} | ${e.description}`).join("\n");
  expect(words).not.toMatch(/comment|propos|accept|invitation|option/i);
  expect(words).not.toMatch(/_/);
  const kinds = new Set(log.map((e) => e.kind));
  expect([...kinds].sort()).toEqual(
    ["ADDED_RECORD", "CHANGED_SUMMARY", "CREATED_FILE", "INVITED_REVIEWER", "MOVED_CASE", "RECORDED_CONSENT", "SHARED_RECORD", "STARTED_CASE", "UPLOADED_DOCUMENT", "VIEWED_FILE"].sort(),
  );
  // Consistent with the patient's events: what the team's working events record is not in the log either.
  const seenEvents = ok(await server.gql(`query($id: ID!) { case(id: $id) { events(first: 500) { type } } }`, { id: caseId }, f.patient.token)).case.events.map((e: { type: string }) => e.type);
  expect(seenEvents).not.toEqual(expect.arrayContaining(["COMMENT_ADDED"]));
  expect(seenEvents).not.toEqual(expect.arrayContaining(["OPTION_PROPOSED"]));
  expect(seenEvents).not.toEqual(expect.arrayContaining(["INVITATION_ANSWERED"]));

  const reviewerRead = log.find((e) => e.actorRole === "REVIEWER" && e.kind === "VIEWED_FILE")!;
  expect(reviewerRead).toMatchObject({
    actorName: "Dr En",
    action: "opened your file",
    actorInstitution: "Partner Hospital",
    actorCountry: "CN",
  });
  expect(reviewerRead.description).toMatch(/^Dr En \(reviewer, Partner Hospital, CN\) opened your file( \d+ times)?$/);
  expect(log.find((e) => e.kind === "CHANGED_SUMMARY")).toMatchObject({ description: "Test Coordinator (coordinator) changed your clinical summary", actorInstitution: null, actorCountry: null, count: 1 });
  // The patient's own reads are not news to them.
  expect(log.filter((e) => e.actorRole === "PATIENT")).toEqual([]);
  // Newest first, each entry once.
  const ids = log.map((e) => BigInt(e.id));
  expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
});

test("the patient's own changes say 'You', and the log speaks the patient's language (ZH) to staff too", async () => {
  const { patientId, userId } = await newPatient("Wang Xiuying", "ZH");
  const caseId = await build.openCase(patientId);
  ok(await server.gql(`query($id: ID!) { case(id: $id) { reason patient { fullName } } }`, { id: caseId }, f.admin.token));
  const log = await accessLog(patientId, f.coordinator.token);
  expect(log.find((e) => e.kind === "STARTED_CASE")).toMatchObject({ actorName: "Test Coordinator", action: "为您新建了一个病例", description: "Test Coordinator（协调员）为您新建了一个病例" });
  expect(log.find((e) => e.actorRole === "ADMIN")).toMatchObject({ kind: "VIEWED_FILE", description: "Test Admin（管理员）查看了您的档案" });

  // A change the patient made themself reads "you" (their own reads stay out).
  await server.db.query(`INSERT INTO audit_entry (actor_user_id, actor_role, action, object_type, object_id, patient_id, outcome) VALUES ($1, 'PATIENT', 'RECORD_CONSENT', 'Consent', NULL, $2, 'ALLOWED')`, [userId, patientId]);
  const [own] = await accessLog(patientId, f.coordinator.token, { first: 1 });
  expect(own).toMatchObject({ kind: "RECORDED_CONSENT", actorRole: "PATIENT", actorName: "Wang Xiuying", description: "您记录了您的同意" });
});

test("a replay of 100 events by one reviewer is one entry, and the audit trail stays append-only", async () => {
  const { patientId } = await newPatient("Replay Patient");
  const { caseId } = await build.assessmentCase(patientId, reviewerEn(), "CN");
  await server.db.transaction(async (manager) => {
    await appendEvents(
      manager,
      f.coordinator.userId,
      Array.from({ length: 100 }, () => ({ caseId, type: CaseEventType.RECORD_ADDED })),
    );
  });
  const total = ok(await server.gql(`query($id: ID!) { case(id: $id) { events(first: 500) { id } } }`, { id: caseId }, f.reviewerEn.token)).case.events.length;
  expect(total).toBeGreaterThanOrEqual(100);
  const [{ max: before }] = await server.db.query(`SELECT max(id)::text AS max FROM audit_entry`);
  const logBefore = await accessLog(patientId, f.coordinator.token);

  const client = connect(server, f.reviewerEn.token);
  clients.push(client);
  // A selection that reads clinical content: audited per person.
  const replay = client.subscribe(`subscription($c: ID!, $after: ID) { caseActivity(caseId: $c, after: $after) { id case { summaries { id } } } }`, { c: caseId, after: "0" });
  await replay.waitFor(total);
  expect(replay.results).toHaveLength(total);

  const written = await server.db.query(`SELECT action FROM audit_entry WHERE id > $1 AND patient_id = $2 AND actor_user_id = $3`, [before, patientId, f.reviewerEn.userId]);
  expect(written).toEqual([{ action: "READ_CASE" }]);
  const log = await accessLog(patientId, f.coordinator.token);
  const reviewerReads = log.filter((e) => e.actorRole === "REVIEWER" && e.kind === "VIEWED_FILE");
  expect(reviewerReads).toHaveLength(1);
  expect(log.length - logBefore.length).toBeLessThanOrEqual(1);

  await expect(server.db.query(`UPDATE audit_entry SET action = 'X' WHERE id = $1`, [before])).rejects.toThrow(/append-only/);
  await expect(server.db.query(`DELETE FROM audit_entry WHERE id = $1`, [before])).rejects.toThrow(/append-only/);
});

test("reads by one person within 15 minutes of their previous one fold into one entry; changes never fold", async () => {
  const { patientId } = await newPatient("Fold Patient");
  const [{ max: start }] = await server.db.query(`SELECT max(id)::text AS max FROM audit_entry WHERE patient_id = $1`, [patientId]);
  // From tomorrow on, well apart from the reads made while the patient was created.
  const base = Math.ceil(Date.now() / 60_000) * 60_000 + 86_400_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();
  const row = (actor: string, role: string, action: string, minutes: number) =>
    server.db.query(`INSERT INTO audit_entry (at, actor_user_id, actor_role, action, object_type, object_id, patient_id, outcome) VALUES ($1, $2, $3, $4, 'Case', NULL, $5, 'ALLOWED')`, [
      at(minutes),
      actor,
      role,
      action,
      patientId,
    ]);
  // The reviewer reads at 0, 10, 20 (each within 15 minutes of the last), the coordinator in between, then the reviewer again at 40.
  await row(f.reviewerZh.userId, "REVIEWER", "READ_CASE", 0);
  await row(f.coordinator.userId, "COORDINATOR", "READ_PATIENT", 5);
  await row(f.reviewerZh.userId, "REVIEWER", "READ_CASE", 10);
  await row(f.coordinator.userId, "COORDINATOR", "TRANSITION_CASE", 12);
  await row(f.coordinator.userId, "COORDINATOR", "TRANSITION_CASE", 13);
  await row(f.reviewerZh.userId, "REVIEWER", "READ_CASE", 20);
  await row(f.coordinator.userId, "COORDINATOR", "READ_CASE", 18);
  await row(f.reviewerZh.userId, "REVIEWER", "READ_CASE", 40);
  const log = (await accessLog(patientId, f.coordinator.token)).filter((e) => BigInt(e.id) > BigInt(start));
  expect(log.map((e) => [e.actorName, e.kind, e.count, e.firstAt, e.lastAt])).toEqual([
    ["Dr Zh", "VIEWED_FILE", 1, at(40), at(40)],
    ["Test Coordinator", "MOVED_CASE", 1, at(13), at(13)],
    ["Test Coordinator", "MOVED_CASE", 1, at(12), at(12)],
    ["Test Coordinator", "VIEWED_FILE", 2, at(5), at(18)],
    ["Dr Zh", "VIEWED_FILE", 3, at(0), at(20)],
  ]);
  expect(log[4]).toMatchObject({ at: at(0), description: "Dr Zh (reviewer, Partner Hospital, CN) opened your file 3 times" });
});

test("a client paging with after sees every entry exactly once while the log grows", async () => {
  const { patientId } = await newPatient("Paging Patient");
  const insert = (actor: string, role: string, action: string) =>
    server.db.query(`INSERT INTO audit_entry (actor_user_id, actor_role, action, object_type, object_id, patient_id, outcome) VALUES ($1, $2, $3, 'Case', NULL, $4, 'ALLOWED')`, [actor, role, action, patientId]);
  for (let i = 0; i < 10; i++) {
    await insert(f.coordinator.userId, "COORDINATOR", "TRANSITION_CASE");
    await insert(f.reviewerEn.userId, "REVIEWER", "READ_CASE");
    await insert(f.admin.userId, "ADMIN", "RECORD_CONSENT");
  }
  const everything = await accessLog(patientId, f.coordinator.token);
  expect(everything.length).toBeGreaterThan(20);

  const seen: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Entry[] = await accessLog(patientId, f.coordinator.token, { first: 4, after });
    if (page.length === 0) break;
    seen.push(...page.map((e) => e.id));
    after = page[page.length - 1].id;
    // Meanwhile: new entries arrive and the reviewer keeps reading (folding into their entry).
    await insert(f.coordinator.userId, "COORDINATOR", "TRANSITION_CASE");
    await insert(f.reviewerEn.userId, "REVIEWER", "READ_CASE");
  }
  expect(seen).toEqual(everything.map((e) => e.id));
});

test("only the patient themself and staff read a patient's access log; the first default and cursors are checked", async () => {
  const { caseId } = await build.assessmentCase(f.otherPatient.patientId, reviewerEn(), "CN");
  const query = `query($id: ID!) { patient(id: $id) { accessLog { id } } }`;
  expect(failure(await server.gql(query, { id: f.otherPatient.patientId }, f.reviewerEn.token)).code).toBe("NOT_FOUND");
  expect(failure(await server.gql(query, { id: f.otherPatient.patientId }, f.patient.token)).code).toBe("NOT_FOUND");
  const viaCase = ok(await server.gql(`query($id: ID!) { case(id: $id) { patient { accessLog { id } } } }`, { id: caseId }, f.reviewerEn.token));
  expect(viaCase.case.patient).toBeNull();
  for (const token of [f.otherPatient.token, f.coordinator.token, f.admin.token]) {
    expect(ok(await server.gql(query, { id: f.otherPatient.patientId }, token)).patient.accessLog.length).toBeGreaterThan(0);
  }
  const refused = await server.gql(`query($id: ID!, $after: ID) { patient(id: $id) { accessLog(after: $after) { id } } }`, { id: f.otherPatient.patientId, after: "not-an-id" }, f.coordinator.token);
  expect(failure(refused)).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "after" } });
  const tooMany = await server.gql(`query($id: ID!) { patient(id: $id) { accessLog(first: 501) { id } } }`, { id: f.otherPatient.patientId }, f.coordinator.token);
  expect(failure(tooMany)).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "first" } });
});
