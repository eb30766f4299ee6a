import { createFixtures, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/**
 * The whole service over HTTP, from openCase to CLOSED, across coordinator,
 * reviewer and patient accounts, with the contract's exact names.
 */
let server: TestServer;
let f: Fixtures;

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server);
});
afterAll(() => server.close());

const CASE_FIELDS = `id reference status version statusSince heldFrom patientAgeBand recordCount consentActive reason
  patient { fullName dateOfBirth healthCardNumber email }`;

async function move(caseId: string, to: string, token = f.coordinator.token, note?: string) {
  const current = ok(await server.gql(`query($id: ID!) { case(id: $id) { version } }`, { id: caseId }, f.coordinator.token));
  return server.gql(
    `mutation($id: ID!, $to: CaseStatus!, $v: Int!, $note: String) { transitionCase(id: $id, to: $to, expectedVersion: $v, note: $note) { status version heldFrom } }`,
    { id: caseId, to, v: current.case.version, note },
    token,
  );
}

test("a case goes from opening to options delivered and closed", async () => {
  const opened = ok(
    await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { ${CASE_FIELDS} } }`, { input: { patientId: f.patient.patientId, reason: "Is chemotherapy before surgery right for me?" } }, f.coordinator.token),
  ).openCase;
  expect(opened).toMatchObject({ status: "RECORDS_COLLECTION", version: 1, heldFrom: null, recordCount: 0, consentActive: false });
  expect(opened.reference).toMatch(/^MER-\d{4}-\d{6}$/);
  expect(opened.patientAgeBand).toMatch(/^\d0-\d9$/);
  expect(opened.patient.fullName).toBe("Margaret Holloway");
  const caseId = opened.id as string;

  // Guards name what is missing.
  const early = failure(await move(caseId, "CASE_ORGANISATION"));
  expect(early.code).toBe("TRANSITION_NOT_ALLOWED");
  expect(early.extensions.missing).toEqual(["MEDICAL_RECORD"]);

  // Step 1: medical record collection, with the document's bytes over plain HTTP.
  const record = ok(
    await server.gql(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl sharedWithReviewers } }`,
      { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Core biopsy pathology", language: "EN", documentDate: "2026-10-01" } },
      f.coordinator.token,
    ),
  ).addMedicalRecord;
  const upload = await fetch(record.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body: Buffer.from("%PDF-1.7 redacted pathology report") });
  expect(upload.status).toBe(201);
  ok(await server.gql(`mutation($id: ID!) { shareRecordWithReviewers(id: $id, redactionConfirmed: true) { sharedWithReviewers } }`, { id: record.id }, f.coordinator.token));
  expect(ok(await move(caseId, "CASE_ORGANISATION")).transitionCase.status).toBe("CASE_ORGANISATION");

  // Step 2: case organisation into a structured summary, published.
  const summary = ok(
    await server.gql(
      `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id version publishedAt } }`,
      {
        input: {
          caseId,
          language: "EN",
          primaryCancer: "Non-small cell lung cancer, right upper lobe",
          histology: "Adenocarcinoma",
          stage: "cT2a N1 M0 (IIB)",
          biomarkers: [{ name: "EGFR", result: "exon 19 deletion" }],
          ecogPerformanceStatus: 1,
          currentPlan: "Neoadjuvant chemo-immunotherapy, then lobectomy",
          questionsForReviewers: ["Is an EGFR-targeted approach preferable?"],
        },
      },
      f.coordinator.token,
    ),
  ).saveCaseSummary;
  expect(summary).toMatchObject({ version: 1, publishedAt: null });
  ok(await server.gql(`mutation($id: ID!) { publishCaseSummary(id: $id) { publishedAt } }`, { id: summary.id }, f.coordinator.token));
  expect(ok(await move(caseId, "TRANSLATION")).transitionCase.status).toBe("TRANSLATION");

  // Translation into Chinese, pointing at the published source.
  const translation = ok(
    await server.gql(
      `mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id version language translationOf { id } stale } }`,
      { input: { caseId, language: "ZH", translationOfId: summary.id, primaryCancer: "右上叶非小细胞肺癌", stage: "cT2a N1 M0 (IIB)" } },
      f.coordinator.token,
    ),
  ).saveCaseSummary;
  expect(translation).toMatchObject({ version: 1, language: "ZH", translationOf: { id: summary.id }, stale: false });
  ok(await server.gql(`mutation($id: ID!) { publishCaseSummary(id: $id) { id } }`, { id: translation.id }, f.coordinator.token));

  // The patient consents to review in China from their own account; a CN reviewer is invited.
  const consent = ok(
    await server.gql(
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id active attestedByCoordinator destinationCountries } }`,
      { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } },
      f.patient.token,
    ),
  ).recordConsent;
  expect(consent).toMatchObject({ active: true, attestedByCoordinator: false, destinationCountries: ["CN"] });
  const invitation = ok(
    await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id status } }`, { c: caseId, r: f.reviewerZh.reviewerId }, f.coordinator.token),
  ).inviteReviewer;
  expect(invitation.status).toBe("INVITED");

  // An invited reviewer sees enough to decide, and no identifier.
  const invitedView = ok(
    await server.gql(`query($id: ID!) { case(id: $id) { ${CASE_FIELDS} records { id } comments { id } summary(language: ZH) { primaryCancer } } }`, { id: caseId }, f.reviewerZh.token),
  ).case;
  expect(invitedView).toMatchObject({ patient: null, reason: null, records: [], comments: [], summary: { primaryCancer: "右上叶非小细胞肺癌" } });
  expect(JSON.stringify(invitedView)).not.toContain("Holloway");
  expect(failure(await move(caseId, "PATHWAY_ASSESSMENT")).extensions.missing).toEqual(["ACCEPTED_REVIEWER"]);

  ok(await server.gql(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { status } }`, { id: invitation.id }, f.reviewerZh.token));
  expect(ok(await move(caseId, "PATHWAY_ASSESSMENT")).transitionCase.status).toBe("PATHWAY_ASSESSMENT");

  // Step 3: pathway assessment. The accepted reviewer reads the shared record and comments by section.
  const fullView = ok(
    await server.gql(`query($id: ID!) { case(id: $id) { patient { fullName } records { id downloadUrl } summaries { id language } } }`, { id: caseId }, f.reviewerZh.token),
  ).case;
  expect(fullView.patient).toBeNull();
  expect(fullView.records).toHaveLength(1);
  expect(fullView.records[0].downloadUrl).toMatch(/\/documents\/download\//);
  const comment = ok(
    await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id section authorName summary { id } } }`,
      { input: { caseId, summaryId: translation.id, section: "BIOMARKERS", body: "EGFR status favours osimertinib-based options." } },
      f.reviewerZh.token,
    ),
  ).addComment;
  expect(comment).toMatchObject({ section: "BIOMARKERS", authorName: "Dr Zh", summary: { id: translation.id } });
  const option = ok(
    await server.gql(
      `mutation($input: ProposePathwayOptionInput!) { proposePathwayOption(input: $input) { id status } }`,
      { input: { caseId, kind: "ALTERNATIVE_TREATMENT", title: "Neoadjuvant osimertinib", description: "Targeted therapy before surgery.", complexity: "MEDIUM", evidence: "NeoADAURA" } },
      f.reviewerZh.token,
    ),
  ).proposePathwayOption;
  expect(option.status).toBe("PROPOSED");
  ok(await server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "The plan is reasonable; consider targeted therapy.") { status submittedAt } }`, { id: invitation.id }, f.reviewerZh.token));

  // Step 4: option mapping; only options selected for presentation reach the patient, once delivered.
  expect(ok(await move(caseId, "OPTION_MAPPING")).transitionCase.status).toBe("OPTION_MAPPING");
  expect(failure(await move(caseId, "OPTIONS_DELIVERED")).extensions.missing).toEqual(["OPTION_FOR_PRESENTATION"]);
  ok(await server.gql(`mutation($id: ID!) { setPathwayOptionStatus(id: $id, status: SELECTED_FOR_PRESENTATION) { status } }`, { id: option.id }, f.coordinator.token));
  const beforeDelivery = ok(await server.gql(`query($id: ID!) { case(id: $id) { options { id } } }`, { id: caseId }, f.patient.token)).case;
  expect(beforeDelivery.options).toEqual([]);
  expect(ok(await move(caseId, "OPTIONS_DELIVERED")).transitionCase.status).toBe("OPTIONS_DELIVERED");
  const patientView = ok(
    await server.gql(`query($id: ID!) { case(id: $id) { status reason options { title status } patient { fullName accessLog { actorName actorRole action } } } }`, { id: caseId }, f.patient.token),
  ).case;
  expect(patientView.options).toEqual([{ title: "Neoadjuvant osimertinib", status: "SELECTED_FOR_PRESENTATION" }]);
  expect(patientView.reason).toBe("Is chemotherapy before surgery right for me?");
  expect(patientView.patient.accessLog.some((entry: { actorName: string; actorRole: string }) => entry.actorName === "Dr Zh" && entry.actorRole === "REVIEWER")).toBe(true);

  // A reviewer may not move the case; a patient may not except to withdraw.
  expect(failure(await move(caseId, "CLOSED", f.reviewerZh.token)).code).toBe("FORBIDDEN");
  expect(failure(await move(caseId, "CLOSED", f.patient.token)).code).toBe("FORBIDDEN");
  expect(ok(await move(caseId, "CLOSED")).transitionCase.status).toBe("CLOSED");

  // Once closed the reviewer sees nothing, and every step left an event in order.
  expect(failure(await server.gql(`query($id: ID!) { case(id: $id) { id } }`, { id: caseId }, f.reviewerZh.token)).code).toBe("NOT_FOUND");
  const events = ok(await server.gql(`query($id: ID!) { case(id: $id) { version events { id type toStatus } } }`, { id: caseId }, f.coordinator.token)).case;
  const statuses = events.events.filter((e: { type: string }) => e.type === "STATUS_CHANGED").map((e: { toStatus: string }) => e.toStatus);
  expect(statuses).toEqual(["CASE_ORGANISATION", "TRANSLATION", "PATHWAY_ASSESSMENT", "OPTION_MAPPING", "OPTIONS_DELIVERED", "CLOSED"]);
  expect(events.version).toBe(events.events.length);
  const ids = events.events.map((e: { id: string }) => BigInt(e.id));
  expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);

  // The patient's pages skip the team's working events without coming up short.
  const all = ok(await server.gql(`query($id: ID!) { case(id: $id) { events { id type } } }`, { id: caseId }, f.coordinator.token)).case.events;
  const firstTeamEvent = all.findIndex((e: { type: string }) => e.type === "COMMENT_ADDED");
  const page = ok(await server.gql(`query($id: ID!, $after: ID) { case(id: $id) { events(after: $after, first: 2) { type } } }`, { id: caseId, after: all[firstTeamEvent - 1].id }, f.patient.token)).case.events;
  expect(page).toHaveLength(2);
  expect(page.some((e: { type: string }) => ["COMMENT_ADDED", "OPTION_PROPOSED", "OPTION_UPDATED", "INVITATION_ANSWERED"].includes(e.type))).toBe(false);
});

test("ON_HOLD records where it came from and resumes there; a patient may withdraw", async () => {
  const opened = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.otherPatient.patientId, reason: "Second look at my staging" } }, f.coordinator.token)).openCase;
  expect(failure(await move(opened.id, "ON_HOLD")).extensions.field).toBe("note");
  const held = ok(await move(opened.id, "ON_HOLD", f.coordinator.token, "waiting for imaging")).transitionCase;
  expect(held).toMatchObject({ status: "ON_HOLD", heldFrom: "RECORDS_COLLECTION" });
  const sideways = failure(await move(opened.id, "TRANSLATION"));
  expect(sideways).toMatchObject({ code: "TRANSITION_NOT_ALLOWED", extensions: { missing: [] } });
  expect(ok(await move(opened.id, "RECORDS_COLLECTION")).transitionCase).toMatchObject({ status: "RECORDS_COLLECTION", heldFrom: null });
  expect(failure(await move(opened.id, "WITHDRAWN", f.patient.token)).code).toBe("NOT_FOUND");
  expect(ok(await move(opened.id, "WITHDRAWN", f.otherPatient.token)).transitionCase.status).toBe("WITHDRAWN");
});
