import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { describeProbe, startProbe } from "../support/probe";
import { failure, ok, startServerOn, startTestServer, type TestServer } from "../support/server";

/** Per-user request rate and write quotas, outside sign-in: one user over them never takes the service from another. */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer({ commentsPerMinute: 3, recordsPerDay: 3, caseDocumentBytes: 1000 });
  f = await createFixtures(server);
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server.close());

const ADD_RECORD = `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`;
const addRecord = (caseId: string, token: string) =>
  server.gql(ADD_RECORD, { input: { caseId, kind: "LAB_RESULT", title: "Blood tests", language: "EN" } }, token);

describe("the request rate per user", () => {
  let limited: TestServer;
  let other: TestServer;
  let lf: Fixtures;

  beforeAll(async () => {
    limited = await startTestServer({ requestsPerMinute: 30 });
    lf = await createFixtures(limited, "rate");
    // A second process on the same database: the count is shared.
    other = await startServerOn(limited.config.databaseUrl!, limited.config.dataDir, { requestsPerMinute: 30 });
  });
  afterAll(async () => {
    await other.close();
    await limited.close();
  });

  test("is shared by every process and answered RATE_LIMITED with a retry hint, while other users go on", async () => {
    const probe = startProbe(limited, lf.admin.token, 50);
    const answers = [];
    for (let i = 0; i < 40; i++) answers.push(await (i % 2 === 0 ? limited : other).gql(`{ viewer { id } }`, {}, lf.reviewerEn.token));
    const report = await probe.stop();
    console.log(describeProbe("one user's 40 requests against a rate of 30 a minute", report));
    const refused = answers.filter((a) => a.errors?.length);
    expect(answers.slice(0, 30).every((a) => a.data?.viewer?.id === lf.reviewerEn.userId)).toBe(true);
    expect(refused).toHaveLength(10);
    const error = failure(refused[0]);
    expect(error.code).toBe("RATE_LIMITED");
    expect(error.extensions.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(report.failures).toEqual([]);
  });
});

test("comments per minute per user", async () => {
  // The case's own making comments once, as the coordinator.
  const { caseId, summaryId } = await build.assessmentCase(f.otherPatient.patientId, f.reviewerEn, "CN");
  const add = (token: string) =>
    server.gql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input: { caseId, summaryId, section: "GENERAL", body: "A note." } }, token);
  for (let i = 0; i < 2; i++) ok(await add(f.coordinator.token));
  const refused = failure(await add(f.coordinator.token));
  expect(refused.code).toBe("RATE_LIMITED");
  expect(refused.extensions.retryAfterSeconds).toBeGreaterThan(0);
  // The quota is the user's: the reviewer comments on.
  ok(await add(f.reviewerEn.token));
  expect(Number((await server.db.query(`SELECT count(*) AS n FROM comment WHERE case_id = $1`, [caseId]))[0].n)).toBe(4);
});

test("records per day per user, and document bytes per case", async () => {
  const caseId = await build.openCase(f.otherPatient.patientId);
  const first = ok(await addRecord(caseId, f.otherPatient.token)).addMedicalRecord;
  const put = (url: string, bytes: number) => fetch(url, { method: "PUT", headers: { "content-type": "text/plain" }, body: "r".repeat(bytes) });
  expect((await put(first.uploadUrl, 800)).status).toBe(201);
  const second = ok(await addRecord(caseId, f.otherPatient.token)).addMedicalRecord;
  // 800 + 300 bytes would pass the case's 1000.
  const over = await put(second.uploadUrl, 300);
  expect(over.status).toBe(413);
  expect(await over.json()).toEqual({ code: "PAYLOAD_TOO_LARGE" });
  expect((await put(second.uploadUrl, 150)).status).toBe(201);
  ok(await addRecord(caseId, f.otherPatient.token));
  const refused = failure(await addRecord(caseId, f.otherPatient.token));
  expect(refused.code).toBe("RATE_LIMITED");
  expect(Number((await server.db.query(`SELECT count(*) AS n FROM medical_record WHERE case_id = $1`, [caseId]))[0].n)).toBe(3);
  expect(Number((await server.db.query(`SELECT sum(size_bytes) AS n FROM medical_record WHERE case_id = $1`, [caseId]))[0].n)).toBe(950);
});

test("an identical active consent is refused with CONFLICT, at once or one after another; a different or renewed one is not", async () => {
  const RECORD = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`;
  const consent = (countries: string[]) =>
    server.gql(RECORD, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: countries } }, f.patient.token);
  const racing = await Promise.all(Array.from({ length: 10 }, () => consent(["CN", "CA"])));
  expect(racing.filter((r) => !r.errors).length).toBe(1);
  for (const answer of racing.filter((r) => r.errors)) {
    expect(failure(answer)).toMatchObject({ code: "CONFLICT", extensions: { field: "input.destinationCountries" }, message: expect.stringMatching(/same scope and countries/) });
  }
  // The same set in another order or with repeats is the same consent.
  expect(failure(await consent(["CA", "CN", "CN"])).code).toBe("CONFLICT");
  const other = ok(await consent(["CN"])).recordConsent.id;
  ok(await server.gql(`mutation($id: ID!) { revokeConsent(id: $id) { id } }`, { id: other }, f.patient.token));
  ok(await consent(["CN"]));
});
