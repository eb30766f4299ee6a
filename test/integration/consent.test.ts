import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
});
afterAll(() => server.close());

const RECORD = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id active attestedByCoordinator destinationCountries revokedAt } }`;
const REVOKE = `mutation($id: ID!) { revokeConsent(id: $id) { id active revokedAt } }`;
const CASE = `query($id: ID!) { case(id: $id) { status heldFrom version consentActive events { type toStatus note } } }`;

async function openCase(patientId: string) {
  return ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId, reason: "Review" } }, f.coordinator.token)).openCase.id as string;
}

test("staff record consent attesting a signed form; countries are ISO codes", async () => {
  const attested = ok(await server.gql(RECORD, { input: { patientId: f.otherPatient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN", "CN"] } }, f.coordinator.token)).recordConsent;
  expect(attested).toMatchObject({ active: true, attestedByCoordinator: true, destinationCountries: ["CN"], revokedAt: null });
  for (const bad of ["cn", "XX", "CHN", ""]) {
    const refused = failure(await server.gql(RECORD, { input: { patientId: f.otherPatient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["US", bad] } }, f.coordinator.token));
    expect(refused).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.destinationCountries.1" } });
  }
  // A patient records only their own consent; another's answers like a missing patient.
  expect(failure(await server.gql(RECORD, { input: { patientId: f.otherPatient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.patient.token)).code).toBe("NOT_FOUND");
  expect(failure(await server.gql(RECORD, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.reviewerZh.token)).code).toBe("FORBIDDEN");
});

test("revoking takes effect at once: active cases go ON_HOLD with a reason, reviewers lose access, events are written", async () => {
  const active = await openCase(f.patient.patientId);
  const held = await openCase(f.patient.patientId);
  const closedCase = await openCase(f.patient.patientId);
  const moveCase = async (id: string, to: string, note?: string) => {
    const { version } = ok(await server.gql(CASE, { id }, f.coordinator.token)).case;
    return ok(await server.gql(`mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { status } }`, { id, to, v: version, note }, f.coordinator.token));
  };
  await moveCase(held, "ON_HOLD", "waiting for scans");
  await moveCase(closedCase, "WITHDRAWN");

  const consent = ok(await server.gql(RECORD, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.patient.token)).recordConsent;
  expect(consent.attestedByCoordinator).toBe(false);
  const granted = ok(await server.gql(CASE, { id: active }, f.coordinator.token)).case;
  expect(granted.events.map((e: { type: string }) => e.type)).toContain("CONSENT_GRANTED");
  expect(ok(await server.gql(CASE, { id: closedCase }, f.coordinator.token)).case.events.map((e: { type: string }) => e.type)).not.toContain("CONSENT_GRANTED");

  const invitation = ok(await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: active, r: f.reviewerZh.reviewerId }, f.coordinator.token)).inviteReviewer;
  ok(await server.gql(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { id } }`, { id: invitation.id }, f.reviewerZh.token));
  expect(ok(await server.gql(CASE, { id: active }, f.coordinator.token)).case.consentActive).toBe(true);
  expect(ok(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: active }, f.reviewerZh.token)).case.id).toBe(active);

  const revoked = ok(await server.gql(REVOKE, { id: consent.id }, f.patient.token)).revokeConsent;
  expect(revoked.active).toBe(false);
  expect(revoked.revokedAt).toEqual(expect.any(String));

  const after = ok(await server.gql(CASE, { id: active }, f.coordinator.token)).case;
  expect(after).toMatchObject({ status: "ON_HOLD", heldFrom: "RECORDS_COLLECTION", consentActive: false });
  expect(after.events.slice(-2)).toEqual([
    { type: "CONSENT_REVOKED", toStatus: null, note: null },
    { type: "STATUS_CHANGED", toStatus: "ON_HOLD", note: "consent revoked" },
  ]);
  // A case already on hold hears of it and stays where it was; a withdrawn one is left alone.
  const stillHeld = ok(await server.gql(CASE, { id: held }, f.coordinator.token)).case;
  expect(stillHeld).toMatchObject({ status: "ON_HOLD", heldFrom: "RECORDS_COLLECTION" });
  expect(stillHeld.events[stillHeld.events.length - 1].type).toBe("CONSENT_REVOKED");
  expect(ok(await server.gql(CASE, { id: closedCase }, f.coordinator.token)).case.events.map((e: { type: string }) => e.type)).not.toContain("CONSENT_REVOKED");

  // The reviewer's reads stop at once, exactly as for a case that does not exist.
  const gone = failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: active }, f.reviewerZh.token));
  const missing = failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: "00000000-0000-4000-8000-000000000000" }, f.reviewerZh.token));
  expect(gone).toEqual(missing);
  expect(ok(await server.gql(`{ cases { totalCount } }`, {}, f.reviewerZh.token)).cases.totalCount).toBe(0);
  // Resuming needs consent again.
  const { version } = ok(await server.gql(CASE, { id: active }, f.coordinator.token)).case;
  expect(ok(await server.gql(`mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: RECORDS_COLLECTION, expectedVersion: $v) { status } }`, { id: active, v: version }, f.coordinator.token)).transitionCase.status).toBe("RECORDS_COLLECTION");
  // Revoking again changes nothing.
  const again = ok(await server.gql(REVOKE, { id: consent.id }, f.patient.token)).revokeConsent;
  expect(again.revokedAt).toBe(revoked.revokedAt);
});

test("the audit trail records reads, changes and denials, by id only, and the patient sees who opened their file", async () => {
  const caseId = await openCase(f.otherPatient.patientId);
  ok(await server.gql(`query($id: ID!) { case(id: $id) { patient { fullName } } }`, { id: caseId }, f.coordinator.token));
  failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, f.patient.token));
  const rows: Array<{ action: string; outcome: string; actor_user_id: string; object_id: string; request_id: string | null }> = await server.db.query(
    `SELECT action, outcome, actor_user_id, object_id, request_id FROM audit_entry WHERE object_id = $1 OR patient_id = $2 ORDER BY id`,
    [caseId, f.otherPatient.patientId],
  );
  expect(rows).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ action: "OPEN_CASE", outcome: "ALLOWED", actor_user_id: f.coordinator.userId }),
      expect.objectContaining({ action: "READ_CASE", outcome: "ALLOWED", actor_user_id: f.coordinator.userId }),
      expect.objectContaining({ action: "READ_PATIENT", outcome: "ALLOWED", actor_user_id: f.coordinator.userId }),
      expect.objectContaining({ action: "Query.case", outcome: "DENIED", actor_user_id: f.patient.userId, object_id: caseId }),
    ]),
  );
  expect(rows.every((row) => row.request_id)).toBe(true);
  const dump = JSON.stringify(await server.db.query(`SELECT * FROM audit_entry`));
  expect(dump).not.toMatch(/Quince|Holloway|@test\.meridian/);
  const log = ok(await server.gql(`query($id: ID!) { patient(id: $id) { accessLog(first: 5) { actorName actorRole action at } } }`, { id: f.otherPatient.patientId }, f.otherPatient.token)).patient.accessLog;
  expect(log[0]).toMatchObject({ actorName: "Test Coordinator", actorRole: "COORDINATOR" });
  // Reading the case and the patient's details is one "opened your file" (read and folded, see access-log.test.ts).
  expect(log.map((entry: { action: string }) => entry.action)).toEqual(expect.arrayContaining(["opened your file", "opened a new case for you"]));
  const times = log.map((entry: { at: string }) => Date.parse(entry.at));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
});

test("dates of birth and health card numbers are encrypted in the database", async () => {
  const [row] = await server.db.query(`SELECT p.*, u.email FROM patient p JOIN app_user u ON u.id = p.user_id WHERE p.id = $1`, [f.patient.patientId]);
  expect(JSON.stringify(row)).not.toMatch(/1960-05-17|9876-543-210/);
  expect(row.date_of_birth_enc.split(".")).toHaveLength(4);
  const decrypted = ok(await server.gql(`query($id: ID!) { patient(id: $id) { dateOfBirth healthCardNumber } }`, { id: f.patient.patientId }, f.coordinator.token)).patient;
  expect(decrypted).toEqual({ dateOfBirth: "1960-05-17", healthCardNumber: "9876-543-210" });
});
