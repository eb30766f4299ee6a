import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";
import { DOMAIN_TABLES } from "../support/domain-tables";

let server: TestServer;
let f: Fixtures;
let caseId: string;
let otherPatientsCaseId: string;

async function snapshot(): Promise<Record<string, unknown>> {
  const counts = await server.db.query(DOMAIN_TABLES.map((t) => `SELECT '${t}' AS t, count(*)::int AS n FROM ${t}`).join(" UNION ALL "));
  const cases = await server.db.query(`SELECT id, status, version, held_from FROM medical_case ORDER BY id`);
  return { counts: Object.fromEntries(counts.map((r: { t: string; n: number }) => [r.t, r.n])), cases };
}

/** Every response this file sees: none may be a server error. */
const seen: GraphQLResponse[] = [];

async function gql(query: string, variables: Record<string, unknown>, token?: string): Promise<GraphQLResponse> {
  const response = await server.gql(query, variables, token);
  seen.push(response);
  return response;
}

/** Sends the request and expects BAD_USER_INPUT on `field`, with no row anywhere changed. */
async function expectBadInput(query: string, variables: Record<string, unknown>, token: string, field: string | RegExp) {
  const before = await snapshot();
  const response = await gql(query, variables, token);
  const error = failure(response);
  expect(error.code).toBe("BAD_USER_INPUT");
  if (typeof field === "string") expect(error.extensions.field).toBe(field);
  else expect(error.extensions.field).toMatch(field);
  expect(response.data?.[Object.keys(response.data ?? {})[0]] ?? null).toBeNull();
  expect(await snapshot()).toEqual(before);
  return error;
}

const CREATE_PATIENT = `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id } }`;
const OPEN_CASE = `mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`;
const TRANSITION = `mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { id status version } }`;
const RECORD_CONSENT = `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`;
const SAVE_SUMMARY = `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id version } }`;
const CASE = `query($id: ID!) { case(id: $id) { id reference status } }`;

const patientInput = (overrides: Record<string, unknown> = {}) => ({
  fullName: "Valid Name",
  dateOfBirth: "1960-05-17",
  email: `valid.${Math.random().toString(36).slice(2)}@test.meridian`,
  healthCardNumber: "1234-567-890",
  preferredLanguage: "EN",
  ...overrides,
});

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server, "bad");
  caseId = ok(await server.gql(OPEN_CASE, { input: { patientId: f.patient.patientId, reason: "Second opinion please" } }, f.coordinator.token)).openCase.id;
  otherPatientsCaseId = ok(await server.gql(OPEN_CASE, { input: { patientId: f.otherPatient.patientId, reason: "Mine" } }, f.coordinator.token)).openCase.id;
});
afterAll(async () => {
  await server.close();
});

describe("createPatient", () => {
  test("a malformed email names input.email", async () => {
    for (const email of ["not-an-email", "a@", "@b.com", "two@@signs.com", `${"a".repeat(250)}@example.com`]) {
      await expectBadInput(CREATE_PATIENT, { input: patientInput({ email }) }, f.coordinator.token, "input.email");
    }
  });

  test("an impossible date names input.dateOfBirth", async () => {
    for (const dateOfBirth of ["1960-13-45", "1960-02-30", "17/05/1960", "yesterday"]) {
      const error = await expectBadInput(CREATE_PATIENT, { input: patientInput({ dateOfBirth }) }, f.coordinator.token, /^(input\.dateOfBirth|input)$/);
      expect(error.extensions.field).toBe("input.dateOfBirth");
    }
  });

  test("a date of birth in the future or before 1900 names input.dateOfBirth", async () => {
    for (const dateOfBirth of ["2999-01-01", "1800-01-01"]) {
      await expectBadInput(CREATE_PATIENT, { input: patientInput({ dateOfBirth }) }, f.coordinator.token, "input.dateOfBirth");
    }
  });

  test("an unknown preferredLanguage names input.preferredLanguage", async () => {
    await expectBadInput(CREATE_PATIENT, { input: patientInput({ preferredLanguage: "FR" }) }, f.coordinator.token, "input.preferredLanguage");
  });

  test("a fullName over 200 characters, or blank, names input.fullName", async () => {
    await expectBadInput(CREATE_PATIENT, { input: patientInput({ fullName: "N".repeat(201) }) }, f.coordinator.token, "input.fullName");
    await expectBadInput(CREATE_PATIENT, { input: patientInput({ fullName: "   " }) }, f.coordinator.token, "input.fullName");
    // 200 is still fine.
    const created = ok(await gql(CREATE_PATIENT, { input: patientInput({ fullName: "N".repeat(200) }) }, f.coordinator.token));
    expect(created.createPatient.id).toEqual(expect.any(String));
  });

  test("a malformed health card number names input.healthCardNumber", async () => {
    await expectBadInput(CREATE_PATIENT, { input: patientInput({ healthCardNumber: "<script>" }) }, f.coordinator.token, "input.healthCardNumber");
  });

  test("text with a NUL character is bad input, not a server error", async () => {
    await expectBadInput(CREATE_PATIENT, { input: patientInput({ fullName: "Nul\u0000Name" }) }, f.coordinator.token, "input.fullName");
    await expectBadInput(OPEN_CASE, { input: { patientId: f.patient.patientId, reason: "why\u0000" } }, f.coordinator.token, "input.reason");
    await expectBadInput(SAVE_SUMMARY, { input: { caseId, language: "EN", histology: "adeno\u0000carcinoma" } }, f.coordinator.token, "input.histology");
    await expectBadInput(SAVE_SUMMARY, { input: { caseId, language: "EN", questionsForReviewers: ["ok", "bad\u0000"] } }, f.coordinator.token, "input.questionsForReviewers.1");
    const search = failure(await gql(`query($s: String) { cases(filter: { search: $s }) { totalCount } }`, { s: "MER\u0000" }, f.coordinator.token));
    expect(search).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "filter.search" } });
    const login = failure(await gql(`mutation($e: String!) { login(email: $e, password: "whatever at all") { accessToken } }`, { e: "a\u0000@test.meridian" }));
    expect(login).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "email" } });
  });
});

describe("text hygiene, the same rule for every argument", () => {
  const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id displayName } }`;
  const PROPOSE = `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id evidence eligibility } }`;

  test("whitespace only is refused wherever empty is", async () => {
    await expectBadInput(CREATE_USER, { input: { email: "blank.name@test.meridian", displayName: " \t\u00A0 ", role: "COORDINATOR" } }, f.admin.token, "input.displayName");
    await expectBadInput(OPEN_CASE, { input: { patientId: f.patient.patientId, reason: "\n   \n" } }, f.coordinator.token, "input.reason");
    await expectBadInput(SAVE_SUMMARY, { input: { caseId, language: "EN", questionsForReviewers: ["fine", "   "] } }, f.coordinator.token, "input.questionsForReviewers.1");
    await expectBadInput(RECORD_CONSENT, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: [" "] } }, f.coordinator.token, "input.destinationCountries.0");
  });

  test("optional strings given as empty or blank are stored as null; text is stored trimmed", async () => {
    const created = ok(await gql(CREATE_PATIENT, { input: patientInput({ fullName: "  Trimmed Name  ", healthCardNumber: "" }) }, f.coordinator.token)).createPatient;
    const [row] = await server.db.query(`SELECT full_name, health_card_number_enc FROM patient WHERE id = $1`, [created.id]);
    expect(row).toEqual({ full_name: "Trimmed Name", health_card_number_enc: null });
    const option = ok(await gql(PROPOSE, { input: { caseId, kind: "CLINICAL_TRIAL", title: "A trial", description: "Phase II", complexity: "MEDIUM", evidence: "", eligibility: "   " } }, f.coordinator.token)).proposePathwayOption;
    expect(option).toMatchObject({ evidence: null, eligibility: null });
  });

  test("control characters and bidirectional overrides are refused in names and single-line fields", async () => {
    for (const fullName of ["Ann\u0007Lee", "Ann\nLee", "\u202EeeL nnA", "Ann \u2066Lee\u2069", "Ann\u001B[31m"]) {
      await expectBadInput(CREATE_PATIENT, { input: patientInput({ fullName }) }, f.coordinator.token, "input.fullName");
    }
    await expectBadInput(CREATE_USER, { input: { email: "bidi.name@test.meridian", displayName: "Dr \u202Eabc", role: "COORDINATOR" } }, f.admin.token, "input.displayName");
    await expectBadInput(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
      { input: { caseId, kind: "PATHOLOGY_REPORT", title: "report\u0008", language: "EN", documentDate: "2026-01-15" } },
      f.coordinator.token,
      "input.title",
    );
  });

  test("multi-line text keeps its tabs and line breaks", async () => {
    const reason = "First line\n\tSecond line, indented";
    const opened = ok(await gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id reason } }`, { input: { patientId: f.patient.patientId, reason } }, f.coordinator.token));
    expect(opened.openCase.reason).toBe(reason);
  });
});

describe("ids", () => {
  test("case(id: \"not-a-uuid\") names id", async () => {
    const response = await gql(CASE, { id: "not-a-uuid" }, f.coordinator.token);
    const error = failure(response);
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
    expect(response.data?.case ?? null).toBeNull();
  });

  test("openCase with a patientId that is not a uuid names input.patientId", async () => {
    await expectBadInput(OPEN_CASE, { input: { patientId: "patient-1", reason: "A question" } }, f.coordinator.token, "input.patientId");
    await expectBadInput(OPEN_CASE, { input: { patientId: "1 OR 1=1", reason: "A question" } }, f.coordinator.token, "input.patientId");
  });

  test("a forged page cursor or an event id beyond bigint names the argument", async () => {
    const forged = Buffer.from(JSON.stringify({ updatedAt: "2020-01-01T00:00:00Z", id: "x" })).toString("base64url");
    await expectBadInput(`query($after: String) { cases(after: $after) { totalCount } }`, { after: forged }, f.coordinator.token, "after");
    await expectBadInput(`query($after: String) { cases(after: $after) { totalCount } }`, { after: "not base64 json" }, f.coordinator.token, "after");
    await expectBadInput(`query($id: ID!, $after: ID) { case(id: $id) { events(after: $after) { id } } }`, { id: otherPatientsCaseId, after: "9999999999999999999" }, f.coordinator.token, "after");
  });

  test("a well-formed unknown case id is NOT_FOUND, exactly like another patient's case asked by a patient", async () => {
    const unknownId = "7d4c3a8e-0b1f-4e6a-9c2d-5f8e7a6b4c3d";
    const missingForCoordinator = failure(await gql(CASE, { id: unknownId }, f.coordinator.token));
    const missingForPatient = failure(await gql(CASE, { id: unknownId }, f.patient.token));
    const hiddenFromPatient = failure(await gql(CASE, { id: otherPatientsCaseId }, f.patient.token));
    expect(missingForCoordinator.code).toBe("NOT_FOUND");
    expect(hiddenFromPatient).toEqual(missingForPatient);
    expect(hiddenFromPatient).toEqual({ message: missingForCoordinator.message, code: "NOT_FOUND", extensions: { code: "NOT_FOUND" } });
    // The same holds for changes: another patient's case cannot be withdrawn, and says so the same way.
    const withdrawHidden = failure(await gql(TRANSITION, { id: otherPatientsCaseId, to: "WITHDRAWN", v: 1 }, f.patient.token));
    const withdrawMissing = failure(await gql(TRANSITION, { id: unknownId, to: "WITHDRAWN", v: 1 }, f.patient.token));
    expect(withdrawHidden).toEqual(withdrawMissing);
    expect(withdrawHidden.code).toBe("NOT_FOUND");
    // And the case the patient owns is there.
    expect(ok(await gql(CASE, { id: caseId }, f.patient.token)).case.id).toBe(caseId);
  });
});

describe("domain checks", () => {
  test("transitionCase to ON_HOLD without a note names note and changes nothing", async () => {
    const version = (await server.db.query(`SELECT version FROM medical_case WHERE id = $1`, [caseId]))[0].version;
    await expectBadInput(TRANSITION, { id: caseId, to: "ON_HOLD", v: version }, f.coordinator.token, "note");
    await expectBadInput(TRANSITION, { id: caseId, to: "ON_HOLD", v: version, note: "   " }, f.coordinator.token, "note");
    // With a note it goes through: the refusals above did not move the version.
    const held = ok(await gql(TRANSITION, { id: caseId, to: "ON_HOLD", v: version, note: "Waiting for scans" }, f.coordinator.token));
    expect(held.transitionCase).toMatchObject({ status: "ON_HOLD", version: version + 1 });
    ok(await gql(TRANSITION, { id: caseId, to: "RECORDS_COLLECTION", v: version + 1 }, f.coordinator.token));
  });

  test("recordConsent with an unknown country names its index", async () => {
    for (const [countries, field] of [
      [["ZZ"], "input.destinationCountries.0"],
      [["CN", "cn"], "input.destinationCountries.1"],
      [["CA", "CN", "CHN"], "input.destinationCountries.2"],
    ] as const) {
      await expectBadInput(RECORD_CONSENT, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: countries } }, f.coordinator.token, field);
    }
    await expectBadInput(RECORD_CONSENT, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: [] } }, f.coordinator.token, "input.destinationCountries");
  });

  test("saveCaseSummary with ecogPerformanceStatus out of 0..5 names input.ecogPerformanceStatus", async () => {
    for (const ecog of [7, -1, 2 ** 31]) {
      await expectBadInput(SAVE_SUMMARY, { input: { caseId, language: "EN", ecogPerformanceStatus: ecog } }, f.coordinator.token, "input.ecogPerformanceStatus");
    }
    const saved = ok(await gql(SAVE_SUMMARY, { input: { caseId, language: "EN", ecogPerformanceStatus: 5 } }, f.coordinator.token));
    expect(saved.saveCaseSummary.version).toBe(1);
  });

  test("addMedicalRecord with a document date in the future names input.documentDate", async () => {
    await expectBadInput(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
      { input: { caseId, kind: "LAB_RESULT", title: "Bloods", language: "EN", documentDate: "2999-12-31" } },
      f.coordinator.token,
      "input.documentDate",
    );
  });
});

describe("every response", () => {
  test("no response of this file was a server error", () => {
    expect(seen.length).toBeGreaterThan(30);
    const serverErrors = seen.filter((r) => r.status >= 500 || (r.errors ?? []).some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR"));
    expect(serverErrors.map((r) => r.raw)).toEqual([]);
  });
});
