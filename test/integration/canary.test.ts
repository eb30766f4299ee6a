import crypto from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { Role } from "../../server/common/enums";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, tokenFor, type Fixtures } from "../support/fixtures";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

/**
 * A patient whose identifiers are unique canary strings goes through a whole case to
 * PATHWAY_ASSESSMENT with an accepted reviewer in CN. Everything the reviewer receives
 * (GraphQL responses and errors, every WebSocket frame, document headers, body and file
 * name) and every line the server logs during the test is captured and searched for the
 * canaries: none may appear.
 */

const tag = crypto.randomBytes(4).toString("hex");
const CANARY = {
  fullName: "Zyxquorth Canaryfield",
  email: `canary+${tag}@example.org`,
  healthCardNumber: "CANARY-98765",
  dateOfBirth: "1953-07-29",
};
const NEEDLES = [
  CANARY.fullName,
  "Zyxquorth",
  "Canaryfield",
  "canary",
  CANARY.email,
  `canary+${tag}`,
  encodeURIComponent(CANARY.email),
  CANARY.healthCardNumber,
  "CANARY98765",
  "1953-07-29",
  "19530729",
  "29/07/1953",
  "07/29/1953",
].map((needle) => needle.toLowerCase());

interface Capture {
  channel: string;
  what: string;
  bytes: Buffer;
}

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const logLines: string[] = [];
/** Everything the reviewer received, byte for byte. */
const received: Capture[] = [];

function capture(channel: string, what: string, bytes: Buffer | string) {
  received.push({ channel, what, bytes: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, "utf8") });
}

function hits(text: string): string[] {
  const lower = text.toLowerCase();
  return NEEDLES.filter((needle) => lower.includes(needle));
}

/** Hits in a captured buffer, read as UTF-8 and as Latin-1, and URL-decoded. */
function hitsIn(bytes: Buffer): string[] {
  const utf8 = bytes.toString("utf8");
  let decoded = utf8;
  try {
    decoded = decodeURIComponent(utf8);
  } catch {
    // not URL-encoded text
  }
  return [...new Set([...hits(utf8), ...hits(bytes.toString("latin1")), ...hits(decoded)])];
}

const headerBytes = (status: number, headers: Headers) => `HTTP ${status}\n${[...headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n`;

/** A GraphQL request as the reviewer, recording the status line, headers and body. */
async function asReviewer(query: string, variables: Record<string, unknown> = {}, what = "query") {
  const response = await fetch(`${server.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${f.reviewerZh.token}` },
    body: JSON.stringify({ query, variables }),
  });
  const raw = Buffer.from(await response.arrayBuffer());
  capture("http", `${what} (headers)`, headerBytes(response.status, response.headers));
  capture("http", what, raw);
  const body = JSON.parse(raw.toString("utf8"));
  return { status: response.status, data: body.data, errors: body.errors, headers: response.headers, raw: raw.toString("utf8") };
}

/** A graphql-ws client over a WebSocket that records every frame the server sends. */
function recordingClient(token: string): { client: Client; frames: number } {
  const state = { frames: 0 };
  class RecordingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.on("upgrade", (response) => capture("ws", "upgrade headers", `${response.statusCode}\n${JSON.stringify(response.headers)}`));
      this.on("message", (data: WebSocket.RawData) => {
        state.frames += 1;
        capture("ws", "frame", Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
      });
      this.on("close", (code, reason) => capture("ws", "close", `${code} ${reason.toString("utf8")}`));
    }
  }
  const client = createClient({
    url: `${server.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: RecordingWebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
    onNonLazyError: () => {},
  });
  return Object.assign(state, { client }) as { client: Client; frames: number };
}

function subscribe(client: Client, query: string, variables: Record<string, unknown>) {
  const results: any[] = [];
  const state = { results, error: undefined as unknown };
  client.subscribe({ query, variables }, { next: (value) => results.push(value), error: (error) => (state.error = error ?? "error"), complete: () => {} });
  return state;
}

const SUMMARY = `id version language publishedAt primaryCancer histology stage biomarkers { name result } ecogPerformanceStatus treatmentHistory currentPlan questionsForReviewers stale`;
/** The whole Case, in parts small enough for the query cost limit once nested in lists. */
const CASE_PARTS = [
  `id reference status version statusSince heldFrom patientAgeBand openedAt updatedAt reason recordCount consentActive
  patient { id userId fullName dateOfBirth healthCardNumber email preferredLanguage }`,
  `id records { id kind title language documentDate receivedAt contentType sizeBytes sha256 sharedWithReviewers uploadUrl downloadUrl }`,
  `id summary { ${SUMMARY} }`,
  `id zh: summary(language: ZH) { ${SUMMARY} translationOf { id version language } }`,
  `id summaries { ${SUMMARY} }`,
  `id summaries { id translationOf { ${SUMMARY} } }`,
  `id assignments { id status invitedAt dueAt opinion submittedAt declineReason reviewer { id userId displayName institution country languages specialties } }`,
  `id options { id kind title description eligibility evidence complexity status } events { id type at fromStatus toStatus note }`,
  `id comments { id section body createdAt authorName parent { id body authorName } summary { id version language currentPlan } }`,
];
const EVENT_FIELDS = `id type at fromStatus toStatus note`;
/** The parts with lists cut to one item: what fits in a subscription, or nested inside another list, within the cost limit. */
const SHORT_PARTS = CASE_PARTS.map((part) => part.replace(/\b(records|summaries|assignments|options|events|comments) \{/g, "$1(first: 1) {"));

beforeAll(async () => {
  server = await startTestServer({ logLevel: "trace" }, { onLog: (line) => logLines.push(line) });
  f = await createFixtures(server, "leak");
  build = new CaseBuilder(server, f.coordinator.token);
});
afterAll(() => server?.close());

test("nothing a reviewer receives, and nothing the server logs, carries the patient's identifiers", async () => {
  // The patient, with canary identifiers; the question in their own words names them.
  const patient = ok(
    await server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId fullName } }`,
      { input: { ...CANARY, preferredLanguage: "EN" } },
      f.coordinator.token,
    ),
  ).createPatient;
  expect(patient.fullName).toBe(CANARY.fullName);
  const patientToken = await tokenFor(server, patient.userId, Role.PATIENT);
  const caseId = await build.openCase(patient.id, `${CANARY.fullName} (born ${CANARY.dateOfBirth}, card ${CANARY.healthCardNumber}) asks whether surgery can wait.`);

  // A record titled with the patient's own name is refused: reviewers read the titles of shared records.
  const named = failure(
    await server.gql(
      `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
      { input: { caseId, kind: "IMAGING_REPORT", title: `CT chest - ${CANARY.fullName}`, language: "EN" } },
      patientToken,
    ),
  );
  expect(named).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.title" } });

  // Records: one from the patient, one from the coordinator, both uploaded, redacted and shared.
  const patientRecord = await build.addRecord(caseId, { token: patientToken, title: "CT chest, January", body: "Redacted CT report: 3 cm mass, right upper lobe.", share: true });
  await build.addRecord(caseId, { title: "Core biopsy pathology", share: true });
  await build.move(caseId, "CASE_ORGANISATION");

  // Summaries: identifiers in free text are refused, naming the field.
  const summaryId = await build.saveSummary(caseId, {
    biomarkers: [{ name: "EGFR", result: "exon 19 deletion" }],
    ecogPerformanceStatus: 1,
    treatmentHistory: "No prior treatment.",
    questionsForReviewers: ["Is an EGFR-targeted approach preferable?"],
  });
  for (const currentPlan of [
    `Surgery for ${CANARY.fullName} next month`,
    "Plan agreed with Mr CANARYFIELD",
    `Plan agreed with zyxquorth canaryfield`,
    `Born ${CANARY.dateOfBirth.replace(/-/g, "")}, fit for surgery`,
    `Card ${CANARY.healthCardNumber.toLowerCase().replace("-", " ")}`,
    `Contact ${CANARY.email} before surgery`,
  ]) {
    const refused = failure(
      await server.gql(`mutation($input: SaveCaseSummaryInput!) { saveCaseSummary(input: $input) { id } }`, { input: { caseId, language: "EN", currentPlan } }, f.coordinator.token),
    );
    expect({ currentPlan, code: refused.code, field: refused.extensions.field }).toEqual({ currentPlan, code: "BAD_USER_INPUT", field: "input.currentPlan" });
  }
  const versions = ok(await server.gql(`query($id: ID!) { case(id: $id) { summaries { version } } }`, { id: caseId }, f.coordinator.token)).case.summaries;
  expect(versions).toEqual([{ version: 1 }]);
  await build.publishSummary(summaryId);
  await build.move(caseId, "TRANSLATION");
  const translationId = await build.saveSummary(caseId, { language: "ZH", translationOfId: summaryId, primaryCancer: "非小细胞肺癌", histology: "腺癌", currentPlan: "新辅助化疗免疫治疗" });
  await build.publishSummary(translationId);

  // Consent from the patient; the CN reviewer (reads ZH) accepts; a second CN reviewer (reads EN) too.
  ok(
    await server.gql(
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
      { input: { patientId: patient.id, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } },
      patientToken,
    ),
  );
  const assignmentId = await build.invite(caseId, f.reviewerZh.reviewerId);
  await build.accept(assignmentId, f.reviewerZh);
  const otherAssignment = await build.invite(caseId, f.reviewerEn.reviewerId);
  await build.accept(otherAssignment, f.reviewerEn);
  await build.move(caseId, "PATHWAY_ASSESSMENT");

  // The reviewer follows the case live, from its first event, and every status change.
  const live = recordingClient(f.reviewerZh.token);
  const activities = SHORT_PARTS.map((part) =>
    subscribe(live.client, `subscription($c: ID!, $after: ID) { caseActivity(caseId: $c, after: $after) { ${EVENT_FIELDS} case { ${part} } } }`, { c: caseId, after: "1" }),
  );
  const statuses = subscribe(live.client, `subscription { caseStatusChanged { ${EVENT_FIELDS} case { ${SHORT_PARTS[0]} } } }`, {});
  await new Promise((r) => setTimeout(r, 300));

  // Changes while they watch: comments, options, another record, consent, a hold and a resume, reviews.
  await build.comment(caseId, translationId, "请重点关注 EGFR 结果。");
  const reviewerComment = await build.comment(caseId, translationId, "EGFR status favours a targeted approach.", f.reviewerZh.token);
  ok(
    await server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { caseId, summaryId, section: "GENERAL", body: "Agreed; see the trial data.", parentId: reviewerComment } },
      f.reviewerEn.token,
    ),
  );
  await build.proposeOption(caseId, "Neoadjuvant osimertinib", f.reviewerZh.token);
  await build.proposeOption(caseId, "Lobectomy, then adjuvant therapy");
  await build.addRecord(caseId, { token: patientToken, title: "Blood tests, February", body: "Redacted lab results: within range.", share: true });
  ok(
    await server.gql(
      `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
      { input: { patientId: patient.id, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN", "CA"] } },
      patientToken,
    ),
  );
  await build.move(caseId, "ON_HOLD", "waiting for the PET scan");
  await build.move(caseId, "PATHWAY_ASSESSMENT");
  ok(await server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "Targeted therapy first is reasonable.") { id } }`, { id: otherAssignment }, f.reviewerEn.token));
  ok(await server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "Agree with a targeted approach.") { id } }`, { id: assignmentId }, f.reviewerZh.token));

  // A dropped LISTEN connection is logged (and caught up): the log capture is not empty.
  const connections = server.app.listener.connections;
  await server.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'meridian-listener' AND datname = current_database()`);
  for (let i = 0; i < 400 && server.app.listener.connections === connections; i++) await new Promise((r) => setTimeout(r, 25));
  await build.comment(caseId, summaryId, "Final check of the staging before mapping.");

  const eventCount = Number((await server.db.query(`SELECT count(*) AS n FROM case_event WHERE case_id = $1 AND id > 1`, [caseId]))[0].n);
  for (let i = 0; i < 400 && activities.some((activity) => activity.results.length < eventCount); i++) await new Promise((r) => setTimeout(r, 25));
  await server.app.listener.settle();
  for (const activity of activities) {
    expect(activity.error).toBeUndefined();
    expect(activity.results.length).toBe(eventCount);
    expect(activity.results.every((r) => !r.errors && (r.data.caseActivity.case.patient ?? null) === null)).toBe(true);
  }
  expect(statuses.error).toBeUndefined();
  expect(statuses.results.length).toBeGreaterThanOrEqual(2);

  // Everything the reviewer can ask for.
  // Part by part: the whole Case at its default pages is over the cost limit in one query.
  const own = { data: { case: {} as Record<string, any> } };
  for (const part of CASE_PARTS) {
    const answer = await asReviewer(`query($id: ID!) { case(id: $id) { ${part} } }`, { id: caseId }, "case(id)");
    expect({ part, errors: answer.errors }).toEqual({ part, errors: undefined });
    Object.assign(own.data.case, answer.data.case);
  }
  expect(own.data.case).toMatchObject({ patient: null, reason: null, status: "PATHWAY_ASSESSMENT" });
  expect(own.data.case.patientAgeBand).toMatch(/^\d0-\d9$|^90\+$/);
  expect(own.data.case.records).toHaveLength(3);
  for (const part of SHORT_PARTS) {
    const listed = await asReviewer(`query($n: Int) { cases(first: $n) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${part} } } } }`, { n: 50 }, "cases");
    expect({ part, errors: listed.errors }).toEqual({ part, errors: undefined });
    expect(listed.data.cases.edges.map((e: any) => e.node.id)).toEqual([caseId]);
  }
  for (const search of [CANARY.fullName, "Canaryfield", "Zyxquorth"]) {
    const searched = await asReviewer(`query($s: String) { cases(filter: { search: $s }) { totalCount edges { node { id } } } }`, { s: search }, "cases(search)");
    expect(searched.data.cases.totalCount).toBe(0);
  }
  for (const part of SHORT_PARTS) {
    const me = await asReviewer(
      `{ viewer { id email displayName role patient { id fullName } reviewer { id userId displayName institution country languages specialties
          assignments { id status invitedAt opinion submittedAt declineReason case { ${part} } reviewer { id displayName } } } } }`,
      {},
      "viewer",
    );
    expect({ part, errors: me.errors }).toEqual({ part, errors: undefined });
    expect(me.data.viewer.reviewer.assignments[0].case.id).toBe(caseId);
  }
  const events = await asReviewer(`query($id: ID!, $n: Int) { case(id: $id) { events(after: "1", first: $n) { ${EVENT_FIELDS} case { ${SHORT_PARTS[0]} } } } }`, { id: caseId, n: 500 }, "events");
  expect(events.errors).toBeUndefined();
  expect(events.data.case.events.length).toBe(eventCount);
  const comments = await asReviewer(
    `query($id: ID!) { case(id: $id) { comments(first: 20) { id body authorName parent { id body authorName summary { ${SUMMARY} } } summary { ${SUMMARY} translationOf { ${SUMMARY} } } } } }`,
    { id: caseId },
    "comments",
  );
  expect(comments.errors).toBeUndefined();
  expect(comments.data.case.comments.length).toBe(4);

  // Errors: the patient, by id, and whatever the reviewer may not ask for.
  const patientLookup = await asReviewer(`query($id: ID!) { patient(id: $id) { id fullName dateOfBirth healthCardNumber email } }`, { id: patient.id }, "patient(id)");
  expect(patientLookup.errors?.[0].extensions.code).toBe("NOT_FOUND");
  const byUser = await asReviewer(`query($id: ID!) { patient(id: $id) { id } }`, { id: patient.userId }, "patient(userId)");
  expect(byUser.errors?.[0].extensions.code).toBe("NOT_FOUND");
  const roster = await asReviewer(`{ reviewers { id displayName } }`, {}, "reviewers");
  expect(roster.errors?.[0].extensions.code).toBe("FORBIDDEN");
  const consent = await asReviewer(
    `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`,
    { input: { patientId: patient.id, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } },
    "recordConsent",
  );
  expect(consent.errors?.[0].extensions.code).toBe("FORBIDDEN");
  const invalid = await asReviewer(`query($id: ID!) { case(id: $id) { id patient { fullName } } }`, { id: patient.id }, "case(patient id)");
  expect(invalid.errors?.[0].extensions.code).toBe("NOT_FOUND");

  // The documents: headers, file name and bytes of every shared record.
  const withUrls = await asReviewer(`query($id: ID!) { case(id: $id) { records { id title downloadUrl } } }`, { id: caseId }, "records");
  let documents = 0;
  for (const record of withUrls.data.case.records) {
    const download = await fetch(record.downloadUrl);
    const body = Buffer.from(await download.arrayBuffer());
    capture("document", `${record.id} (headers)`, headerBytes(download.status, download.headers));
    capture("document", record.id, body);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toContain(record.id);
    documents += 1;
  }
  expect(documents).toBe(3);
  expect(withUrls.data.case.records.map((r: any) => r.id)).toContain(patientRecord);

  await live.client.dispose();
  await new Promise((r) => setTimeout(r, 100));

  // What was captured is real content, not empty answers...
  const all = Buffer.concat(received.map((c) => c.bytes)).toString("utf8");
  for (const expected of ["Adenocarcinoma", "非小细胞肺癌", "EGFR status favours", "Neoadjuvant osimertinib", "Redacted CT report", "CONSENT_GRANTED", "RECORD_SHARED", "waiting for the PET scan", "Patient not found"]) {
    expect(all).toContain(expected);
  }
  expect(live.frames).toBeGreaterThan(eventCount);
  expect(logLines.some((line) => line.includes("outbox listener lost its connection"))).toBe(true);

  // The scan finds the canaries where they belong: in what the coordinator receives about the patient.
  const staffView = await server.gql(`query($id: ID!) { patient(id: $id) { fullName dateOfBirth healthCardNumber email cases { reason } } }`, { id: patient.id }, f.coordinator.token);
  expect(hitsIn(Buffer.from(staffView.raw))).toEqual(expect.arrayContaining([CANARY.fullName, CANARY.email, CANARY.healthCardNumber, CANARY.dateOfBirth].map((n) => n.toLowerCase())));

  // ...and none of it, nor any log line, names the patient.
  const found = [
    ...received.flatMap((c) => hitsIn(c.bytes).map((needle) => `${c.channel} ${c.what}: ${needle}`)),
    ...logLines.flatMap((line, i) => hits(line).map((needle) => `log line ${i}: ${needle}`)),
  ];
  const bytes = received.reduce((sum, c) => sum + c.bytes.length, 0);
  const logBytes = logLines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
  const responses = received.filter((c) => !c.what.endsWith("(headers)") && c.what !== "upgrade headers" && c.what !== "close").length;
  console.log(
    `canary scan: ${responses} responses and frames to the reviewer (${received.filter((c) => c.channel === "http" && !c.what.endsWith("(headers)")).length} HTTP, ${live.frames} WebSocket frames, ${documents} documents), ` +
      `${bytes} bytes received + ${logLines.length} log lines (${logBytes} bytes), ${found.length} canary hits`,
  );
  expect(found).toEqual([]);
}, 180_000);
