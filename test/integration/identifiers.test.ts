import { Role } from "../../server/common/enums";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, tokenFor, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type GraphQLResponse, type TestServer } from "../support/server";

/**
 * The patient's identifiers in free text that reviewers read (fixtures: Margaret Holloway, born
 * 1960-05-17, health card 9876-543-210, patient.t@test.meridian). Coordinators' and patients'
 * text is refused naming the field; reviewers' text is never answered differently.
 */

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server.close());

const COMMENT = `mutation($input: AddCommentInput!) { addComment(input: $input) { id body section authorName createdAt parent { id } } }`;
const OPTION = `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id kind title description evidence eligibility complexity status } }`;
const SAVE = `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`;
const PUBLISH = `mutation($id: ID!) { publishCaseSummary(id: $id) { id } }`;
const ADD_RECORD = `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`;
const TRANSITION = `mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { status } }`;

/** Texts that hold the patient's identifiers in forms a guesser would try, and a neutral one. */
const MATCHING = ["Born 1960-05-17?", "DOB May 17, 1960", "17/05/1960", "Mrs Holloway", "HOLLOWAY", "Margaret Holloway", "HCN 9876 543 210", "1960年5月17日"];
const NEUTRAL = "Please weigh targeted therapy before surgery.";
/** Near misses a reviewer searching the date of birth from the age band would try. */
const NEAR_MISSES = ["Born 1960-05-16?", "Born 1960-05-18?", "Mrs Hollowell"];

/** What a client can tell apart: the HTTP status, the errors, and the data's structure (every leaf replaced by its type). */
function shape(response: GraphQLResponse): unknown {
  const leaves = (value: unknown): unknown =>
    value === null || typeof value !== "object" ? (value === null ? null : typeof value) : Array.isArray(value) ? value.map(leaves) : Object.fromEntries(Object.entries(value).map(([k, v]) => [k, leaves(v)]));
  return { status: response.status, errors: response.errors ?? null, data: leaves(response.data) };
}

const refusal = (response: GraphQLResponse) => {
  const error = failure(response);
  return { code: error.code, field: error.extensions?.field, message: error.message };
};

describe("reviewers cannot use the check as an oracle", () => {
  let caseId: string;
  let summaryId: string;

  beforeAll(async () => {
    ({ caseId, summaryId } = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN"));
  });

  const comment = (body: string, token: string) => server.gql(COMMENT, { input: { caseId, summaryId, section: "GENERAL", body } }, token);
  const option = (text: string, token: string) =>
    server.gql(OPTION, { input: { caseId, kind: "CLINICAL_TRIAL", title: text, description: text, evidence: text, eligibility: text, complexity: "LOW" } }, token);

  test("a reviewer's comment is answered the same whether or not it holds an identifier", async () => {
    const neutral = shape(await comment(NEUTRAL, f.reviewerEn.token));
    expect(neutral).toMatchObject({ status: 200, errors: null });
    for (const body of [...MATCHING, ...NEAR_MISSES]) {
      expect({ body, response: shape(await comment(body, f.reviewerEn.token)) }).toEqual({ body, response: neutral });
    }
  });

  test("a reviewer's proposed option is answered the same whether or not it holds an identifier", async () => {
    const neutral = shape(await option(NEUTRAL, f.reviewerEn.token));
    expect(neutral).toMatchObject({ status: 200, errors: null });
    for (const text of [...MATCHING, ...NEAR_MISSES]) {
      expect({ text, response: shape(await option(text, f.reviewerEn.token)) }).toEqual({ text, response: neutral });
    }
  });

  test("the same texts from a coordinator are refused, naming the field, without echoing the identifier", async () => {
    for (const text of MATCHING) {
      const fromComment = refusal(await comment(text, f.coordinator.token));
      expect({ text, code: fromComment.code, field: fromComment.field }).toEqual({ text, code: "BAD_USER_INPUT", field: "input.body" });
      expect(fromComment.message).toBe("input.body contains an identifier of the patient; reviewers must not receive it");
      const fromOption = refusal(await option(text, f.coordinator.token));
      expect({ text, code: fromOption.code, field: fromOption.field }).toEqual({ text, code: "BAD_USER_INPUT", field: "input.title" });
    }
    for (const text of NEAR_MISSES) ok(await comment(text, f.coordinator.token));
  });
});

describe("text that coordinators and patients write for reviewers is checked at every call site", () => {
  test("summary sections, biomarkers and questions for reviewers", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ currentPlan: "Plan agreed with Mme Holloway" }, "input.currentPlan"],
      [{ treatmentHistory: "Holloway女士于2024年手术" }, "input.treatmentHistory"],
      [{ histology: "Report dated 17 mai 1960 (date of birth)" }, "input.histology"],
      [{ biomarkers: [{ name: "EGFR", result: "see HCN 9876543210" }] }, "input.biomarkers.0.result"],
      [{ questionsForReviewers: ["Is she fit?", "Born 5/17/60: too old for surgery?"] }, "input.questionsForReviewers.1"],
    ];
    for (const [fields, field] of cases) {
      expect({ fields, ...refusal(await server.gql(SAVE, { input: { caseId, language: "EN", ...fields } }, f.coordinator.token)) }).toMatchObject({ fields, code: "BAD_USER_INPUT", field });
    }
    ok(await server.gql(SAVE, { input: { caseId, language: "EN", currentPlan: "Lumpectomy; ECOG 1; 5/17 nodes; 1960 mg total" } }, f.coordinator.token));
  });

  test("a draft saved before the check knew a form is refused when published", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const draftId = await build.saveSummary(caseId);
    await server.db.query(`UPDATE case_summary SET current_plan = 'Surgery for Mrs. Holloway' WHERE id = $1`, [draftId]);
    const refused = refusal(await server.gql(PUBLISH, { id: draftId }, f.coordinator.token));
    expect(refused).toEqual({ code: "BAD_USER_INPUT", field: "id", message: "The summary's currentPlan contains an identifier of the patient; reviewers must not receive it" });
    const publishedAt = await server.db.query(`SELECT published_at FROM case_summary WHERE id = $1`, [draftId]);
    expect(publishedAt[0].published_at).toBeNull();
  });

  test("record titles, from the patient and the coordinator", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    for (const [title, token] of [
      ["CT thorax, DOB 17 May 1960", f.patient.token],
      ["Pathology, Mme Ηοllοway", f.coordinator.token],
    ]) {
      const refused = refusal(await server.gql(ADD_RECORD, { input: { caseId, kind: "IMAGING_REPORT", title, language: "EN" } }, token));
      expect({ title, code: refused.code, field: refused.field }).toEqual({ title, code: "BAD_USER_INPUT", field: "input.title" });
    }
    ok(await server.gql(ADD_RECORD, { input: { caseId, kind: "IMAGING_REPORT", title: "CT thorax 2024-05-17", language: "EN" } }, f.patient.token));
  });

  test("a record's title is checked again when it is shared (it may predate the current forms)", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const recordId = await build.addRecord(caseId);
    await server.db.query(`UPDATE medical_record SET title = 'MRI, DOB 17-MAY-1960' WHERE id = $1`, [recordId]);
    const share = await server.gql(`mutation($id: ID!) { shareRecordWithReviewers(id: $id, redactionConfirmed: true) { id } }`, { id: recordId }, f.coordinator.token);
    expect(refusal(share)).toMatchObject({ code: "BAD_USER_INPUT", field: "id" });
  });

  test("transition notes, from the coordinator and the withdrawing patient", async () => {
    const caseId = await build.openCase(f.patient.patientId);
    const move = async (to: string, note: string, token: string) => server.gql(TRANSITION, { id: caseId, to, v: await build.version(caseId), note }, token);
    expect(refusal(await move("ON_HOLD", "Mrs Hollowáy asked to pause", f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "note" });
    expect(refusal(await move("WITHDRAWN", "Withdrawn on request (DOB 5/17/60)", f.patient.token))).toMatchObject({ code: "BAD_USER_INPUT", field: "note" });
    ok(await move("ON_HOLD", "Waiting for the PET scan", f.coordinator.token));
  });

  test("every text of a coordinator's option, each naming its field", async () => {
    const { caseId } = await build.assessmentCase(f.patient.patientId, f.reviewerEn, "CN");
    const base = { caseId, kind: "CLINICAL_TRIAL", title: "Trial", description: "Fits", complexity: "LOW" };
    for (const [field, text] of [
      ["title", "Trial for Ms Ηοllοway"],
      ["description", "Fits the patient born 17 mai 1960"],
      ["evidence", "Confirmed by phone on 1960年5月17日"],
      ["eligibility", "HCN 9876.543.210 qualifies"],
    ]) {
      const refused = refusal(await server.gql(OPTION, { input: { ...base, [field]: text } }, f.coordinator.token));
      expect({ text, code: refused.code, field: refused.field }).toEqual({ text, code: "BAD_USER_INPUT", field: `input.${field}` });
    }
  });

  test("a patient with a Chinese name: the full name and the surname with a title", async () => {
    const patient = ok(
      await server.gql(
        `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
        { input: { fullName: "王小明", dateOfBirth: "1961-03-05", email: "wxm@test.meridian", preferredLanguage: "ZH" } },
        f.coordinator.token,
      ),
    ).createPatient;
    const patientToken = await tokenFor(server, patient.userId, Role.PATIENT);
    const caseId = await build.openCase(patient.id);
    for (const currentPlan of ["王先生计划手术", "患者王小明，62岁", "出生于1961年3月5日"]) {
      expect({ currentPlan, ...refusal(await server.gql(SAVE, { input: { caseId, language: "ZH", currentPlan } }, f.coordinator.token)) }).toMatchObject({
        currentPlan,
        code: "BAD_USER_INPUT",
        field: "input.currentPlan",
      });
    }
    expect(refusal(await server.gql(ADD_RECORD, { input: { caseId, kind: "IMAGING_REPORT", title: "王女士 CT", language: "ZH" } }, patientToken))).toMatchObject({ field: "input.title" });
    ok(await server.gql(SAVE, { input: { caseId, language: "ZH", currentPlan: "非小细胞肺癌，新辅助化疗；小明显缩小" } }, f.coordinator.token));
  });
});
