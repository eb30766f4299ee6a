import { CaseBuilder } from "../support/case-builder";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
});
afterAll(() => server.close());

const SAVE = `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id version language publishedAt primaryCancer stage currentPlan biomarkers { name result } questionsForReviewers translationOf { id } stale } }`;
const PUBLISH = `mutation($id: ID!) { publishCaseSummary(id: $id) { id publishedAt } }`;
const save = async (input: Record<string, unknown>) => ok(await server.gql(SAVE, { input }, f.coordinator.token)).saveCaseSummary;
const publish = async (id: string) => ok(await server.gql(PUBLISH, { id }, f.coordinator.token)).publishCaseSummary;
const caseState = async (id: string) =>
  ok(await server.gql(`query($id: ID!) { case(id: $id) { version events { type } summaries { id version language stale publishedAt } } }`, { id }, f.coordinator.token)).case;

async function caseInTranslation(): Promise<string> {
  const caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason: "Second opinion" } }, f.coordinator.token)).openCase.id;
  // With its document: a record counts for the records gate once its bytes arrived.
  await new CaseBuilder(server, f.coordinator.token).addRecord(caseId, { title: "Note" });
  return caseId;
}

test("every save is version n+1 of that case and language; omitted fields are copied, explicit nulls clear", async () => {
  const caseId = await caseInTranslation();
  const before = await caseState(caseId);
  const v1 = await save({ caseId, language: "EN", primaryCancer: "Breast cancer", stage: "pT2 N0", biomarkers: [{ name: "HER2", result: "negative" }], questionsForReviewers: ["Is chemotherapy needed?"] });
  expect(v1).toMatchObject({ version: 1, publishedAt: null, primaryCancer: "Breast cancer", stage: "pT2 N0" });
  const v2 = await save({ caseId, language: "EN", stage: null, currentPlan: "Lumpectomy then radiotherapy" });
  expect(v2).toMatchObject({ version: 2, primaryCancer: "Breast cancer", stage: null, currentPlan: "Lumpectomy then radiotherapy", biomarkers: [{ name: "HER2", result: "negative" }], questionsForReviewers: ["Is chemotherapy needed?"] });
  // Another language has its own numbering.
  expect((await save({ caseId, language: "ZH", primaryCancer: "乳腺癌" })).version).toBe(1);
  // Drafts write no event and leave the case's version alone.
  const afterDrafts = await caseState(caseId);
  expect(afterDrafts.version).toBe(before.version);
  expect(afterDrafts.events).toHaveLength(before.events.length);
  // Publishing writes SUMMARY_PUBLISHED and moves the version; publishing twice is refused.
  await publish(v2.id);
  const published = await caseState(caseId);
  expect(published.version).toBe(before.version + 1);
  expect(published.events[published.events.length - 1].type).toBe("SUMMARY_PUBLISHED");
  expect(failure(await server.gql(PUBLISH, { id: v2.id }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "id" } });
  // An older draft cannot be published over a newer version: it is stale (CONFLICT, not bad input).
  expect(failure(await server.gql(PUBLISH, { id: v1.id }, f.coordinator.token))).toMatchObject({ code: "CONFLICT", extensions: { field: "id" } });
});

test("a translation goes stale when a newer source is published, and then no longer satisfies the guard", async () => {
  const caseId = await caseInTranslation();
  const source = await save({ caseId, language: "EN", primaryCancer: "Gastric adenocarcinoma" });
  expect(failure(await server.gql(SAVE, { input: { caseId, language: "ZH", translationOfId: source.id } }, f.coordinator.token)).extensions.field).toBe("input.translationOfId");
  await publish(source.id);
  const translation = await save({ caseId, language: "ZH", translationOfId: source.id, primaryCancer: "胃腺癌" });
  expect(translation).toMatchObject({ translationOf: { id: source.id }, stale: false });
  await publish(translation.id);

  // Consent, and an accepted reviewer who reads only Chinese, so the translation is needed.
  ok(await server.gql(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.coordinator.token));
  const invitation = ok(await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: caseId, r: f.reviewerZh.reviewerId }, f.coordinator.token)).inviteReviewer;
  ok(await server.gql(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { id } }`, { id: invitation.id }, f.reviewerZh.token));
  const move = async (to: string) => {
    const { version } = await caseState(caseId);
    return server.gql(`mutation($id: ID!, $to: CaseStatus!, $v: Int!) { transitionCase(id: $id, to: $to, expectedVersion: $v) { status } }`, { id: caseId, to, v: version }, f.coordinator.token);
  };
  ok(await move("CASE_ORGANISATION"));
  ok(await move("TRANSLATION"));

  // A newer English version is published: the Chinese translation is stale and the guard says so.
  const newer = await save({ caseId, language: "EN", stage: "cT3 N1 M0" });
  await publish(newer.id);
  const summaries = (await caseState(caseId)).summaries;
  expect(summaries.find((s: { id: string }) => s.id === translation.id).stale).toBe(true);
  expect(summaries.find((s: { id: string }) => s.id === newer.id).stale).toBe(false);
  expect(failure(await move("PATHWAY_ASSESSMENT")).extensions.missing).toEqual(["PUBLISHED_TRANSLATION"]);

  // Translating the newest source satisfies it again.
  const retranslated = await save({ caseId, language: "ZH", translationOfId: newer.id, stage: "cT3 N1 M0" });
  expect(retranslated.version).toBe(2);
  await publish(retranslated.id);
  expect(ok(await move("PATHWAY_ASSESSMENT")).transitionCase.status).toBe("PATHWAY_ASSESSMENT");
  // Case.summary(language) is the newest published in that language.
  const current = ok(await server.gql(`query($id: ID!) { case(id: $id) { en: summary { version } zh: summary(language: ZH) { version stale translationOf { version } } } }`, { id: caseId }, f.reviewerZh.token)).case;
  expect(current).toEqual({ en: { version: 2 }, zh: { version: 2, stale: false, translationOf: { version: 2 } } });
});

test("free text naming the patient is refused, field by field", async () => {
  const caseId = await caseInTranslation();
  const refusal = failure(await server.gql(SAVE, { input: { caseId, language: "EN", currentPlan: "Mrs HOLLOWAY will start chemotherapy" } }, f.coordinator.token));
  expect(refusal).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.currentPlan" } });
  expect(refusal.message).not.toMatch(/holloway/i);
  const inQuestion = failure(await server.gql(SAVE, { input: { caseId, language: "EN", questionsForReviewers: ["ok", "Born 1960-05-17, is she fit?"] } }, f.coordinator.token));
  expect(inQuestion.extensions.field).toBe("input.questionsForReviewers.1");
  expect((await caseState(caseId)).summaries).toHaveLength(0);
});

test("comments, options and event notes that reviewers read are checked for the patient's identifiers too", async () => {
  const caseId = await caseInTranslation();
  const summary = await save({ caseId, language: "EN", primaryCancer: "Melanoma" });
  await publish(summary.id);
  const comment = failure(await server.gql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input: { caseId, summaryId: summary.id, section: "GENERAL", body: "Ask margaret holloway about her scans" } }, f.coordinator.token));
  expect(comment).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.body" } });
  const option = failure(
    await server.gql(`mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id } }`, { input: { caseId, kind: "CLINICAL_TRIAL", title: "Trial", description: "Fits", eligibility: "HCN 9876543210 qualifies", complexity: "LOW" } }, f.coordinator.token),
  );
  expect(option).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.eligibility" } });
  const { version } = (await caseState(caseId));
  const note = failure(await server.gql(`mutation($id: ID!, $v: Int!, $note: String) { transitionCase(id: $id, to: ON_HOLD, expectedVersion: $v, note: $note) { id } }`, { id: caseId, v: version, note: "Holloway asked to pause" }, f.coordinator.token));
  expect(note).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "note" } });
  // Ordinary clinical words pass.
  ok(await server.gql(`mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`, { input: { caseId, summaryId: summary.id, section: "GENERAL", body: "The patient's staging looks complete." } }, f.coordinator.token));
});

describe("optimistic locking of summary saves", () => {
  const trySave = (input: Record<string, unknown>) => server.gql(SAVE, { input }, f.coordinator.token);

  test("two coordinators saving the same draft at once: one succeeds, the other gets CONFLICT, and no change is lost", async () => {
    const caseId = await caseInTranslation();
    const base = await save({ caseId, language: "EN", primaryCancer: "Colon cancer", expectedVersion: 0 });
    expect(base.version).toBe(1);

    const [first, second] = await Promise.all([
      trySave({ caseId, language: "EN", expectedVersion: 1, stage: "pT3 N1" }),
      trySave({ caseId, language: "EN", expectedVersion: 1, currentPlan: "FOLFOX for six months" }),
    ]);
    const winners = [first, second].filter((r) => !r.errors?.length);
    const losers = [first, second].filter((r) => r.errors?.length);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(failure(losers[0])).toMatchObject({ code: "CONFLICT", extensions: { field: "input.expectedVersion" } });
    expect(winners[0].data!.saveCaseSummary.version).toBe(2);

    // The loser reloads (version 2) and saves its change on top: both changes are in version 3.
    const loserInput = losers[0] === first ? { stage: "pT3 N1" } : { currentPlan: "FOLFOX for six months" };
    const merged = await save({ caseId, language: "EN", expectedVersion: 2, ...loserInput });
    expect(merged).toMatchObject({ version: 3, primaryCancer: "Colon cancer", stage: "pT3 N1", currentPlan: "FOLFOX for six months" });
    const versions = (await caseState(caseId)).summaries.filter((s: { language: string }) => s.language === "EN").map((s: { version: number }) => s.version);
    expect(versions).toEqual([1, 2, 3]);
  });

  test("a first save expects version 0; saving over an existing summary with 0 or a stale version is refused; omitted, it is not checked", async () => {
    const caseId = await caseInTranslation();
    expect(failure(await trySave({ caseId, language: "EN", expectedVersion: 1, primaryCancer: "Lung cancer" }))).toMatchObject({ code: "CONFLICT", extensions: { field: "input.expectedVersion" } });
    expect((await save({ caseId, language: "EN", expectedVersion: 0, primaryCancer: "Lung cancer" })).version).toBe(1);
    expect(failure(await trySave({ caseId, language: "EN", expectedVersion: 0, stage: "cT1" })).code).toBe("CONFLICT");
    // Each language has its own numbering: the first ZH save expects 0.
    expect((await save({ caseId, language: "ZH", expectedVersion: 0, primaryCancer: "肺癌" })).version).toBe(1);
    expect((await save({ caseId, language: "EN", stage: "cT1" })).version).toBe(2);
    expect(failure(await trySave({ caseId, language: "EN", expectedVersion: -1, stage: "cT1" })).code).toBe("BAD_USER_INPUT");
    // Nothing was written by the refused saves.
    const en = (await caseState(caseId)).summaries.filter((s: { language: string }) => s.language === "EN");
    expect(en.map((s: { version: number }) => s.version)).toEqual([1, 2]);
  });

  test("publishing a version someone saved over answers CONFLICT", async () => {
    const caseId = await caseInTranslation();
    const v1 = await save({ caseId, language: "EN", primaryCancer: "Gastric cancer" });
    await save({ caseId, language: "EN", expectedVersion: 1, stage: "cT2" });
    expect(failure(await server.gql(PUBLISH, { id: v1.id }, f.coordinator.token))).toMatchObject({ code: "CONFLICT", extensions: { field: "id" } });
    const [{ n }] = await server.db.query(`SELECT count(*)::int AS n FROM case_summary WHERE case_id = $1 AND published_at IS NOT NULL`, [caseId]);
    expect(n).toBe(0);
  });
});
