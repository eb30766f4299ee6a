import type { BrowserContext, Page } from "playwright-core";
import { Role } from "../../server/common/enums";
import { newContext } from "../support/browser";
import { CaseBuilder } from "../support/case-builder";
import { activateFromInvitation, expectAccessible, signIn, submitSignIn, useBrowserSuite } from "../support/e2e";
import { PASSWORD, tokenFor } from "../support/fixtures";
import { ok } from "../support/server";

/**
 * The reviewer's workspace in a real Chromium against the real server. Every case here
 * belongs to a patient whose identifiers are canary values: whatever the reviewer's browser
 * receives (GraphQL over HTTP and WebSocket) or shows (text and HTML) must hold none of them.
 */
let cases: CaseBuilder;

const CANARY = {
  fullName: "Quillon Vandermeerschaert",
  email: "quillon.canary7731@example.org",
  dateOfBirth: "1958-11-23",
  healthCardNumber: "4821-907-356",
};
/** The identifiers in the forms people write them. */
const CANARY_FORMS = [
  "Quillon",
  "Vandermeerschaert",
  CANARY.email,
  "quillon.canary7731",
  CANARY.dateOfBirth,
  "1958/11/23",
  "23/11/1958",
  "11/23/1958",
  "23.11.1958",
  "19581123",
  "November 23, 1958",
  "23 November 1958",
  "Nov 23, 1958",
  "1958年11月23日",
  CANARY.healthCardNumber,
  "4821907356",
  "4821 907 356",
].map((form) => form.toLowerCase());

let canaryPatient: { patientId: string; token: string; email: string };
/** What the reviewer's browser received and showed during the current test. */
const received: Array<{ where: string; text: string }> = [];

function canariesIn(text: string): string[] {
  const lower = text.toLowerCase();
  return CANARY_FORMS.filter((form) => lower.includes(form));
}

/**
 * Every GraphQL answer passes through here before the page gets it, so none escapes the scan
 * (a body read after the page navigated away would be gone).
 */
async function capture(context: BrowserContext) {
  received.length = 0;
  await context.route("**/graphql", async (route) => {
    const response = await route.fetch();
    const text = await response.text();
    received.push({ where: `HTTP ${route.request().url()}`, text });
    await route.fulfill({ response, body: text });
  });
  context.on("page", (page) => {
    page.on("websocket", (socket) => {
      socket.on("framereceived", (frame) => received.push({ where: `WebSocket ${socket.url()}`, text: typeof frame.payload === "string" ? frame.payload : frame.payload.toString("utf8") }));
    });
  });
}

/** Something was scanned: the GraphQL answers and frames of the test, and the pages' text and HTML. */
function expectNoCanary() {
  expect(received.some((r) => r.where.startsWith("HTTP") && r.text.includes('"data"'))).toBe(true);
  const leaks = received.flatMap((r) => canariesIn(r.text).map((form) => `${r.where}: ${form}`));
  expect(leaks).toEqual([]);
}

const suite = useBrowserSuite("rev", { onContext: capture, afterClose: expectNoCanary });

beforeAll(async () => {
  cases = new CaseBuilder(suite.server, suite.fixtures.coordinator.token);
  const created = ok(
    await suite.server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { ...CANARY, preferredLanguage: "EN" } },
      suite.fixtures.coordinator.token,
    ),
  ).createPatient;
  // The patient activates their account, to take consent back in their own portal.
  await activateFromInvitation(created.userId, PASSWORD);
  canaryPatient = { patientId: created.id, token: await tokenFor(suite.server, created.userId, Role.PATIENT), email: CANARY.email };
  // The scan finds the identifiers as the API writes them (here, to staff).
  const asStaff = await suite.server.gql(`query($id: ID!) { patient(id: $id) { fullName email dateOfBirth healthCardNumber } }`, { id: created.id }, suite.fixtures.coordinator.token);
  expect(canariesIn(asStaff.raw)).toEqual(expect.arrayContaining(["quillon", "vandermeerschaert", CANARY.email, CANARY.dateOfBirth, CANARY.healthCardNumber]));
  await cases.recordConsent(canaryPatient.patientId, ["CN"]);
}, 120_000);

/** axe on the page as it stands, and its text and HTML added to what is scanned for the patient's identifiers. */
async function checkPage(page: Page, name: string) {
  await expectAccessible(page, name);
  received.push({ where: `page text of ${name}`, text: await page.locator("body").innerText() });
  received.push({ where: `page HTML of ${name}`, text: await page.content() });
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/**
 * A case of the canary patient in TRANSLATION: a shared record, the English summary and its
 * Chinese translation published, and `reviewer` invited with a due date.
 */
async function invitedCase(reviewerId = suite.fixtures.reviewerZh.reviewerId, dueInDays = 14) {
  const caseId = await cases.openCase(canaryPatient.patientId, `${CANARY.fullName} asks whether surgery is right (born ${CANARY.dateOfBirth}).`);
  await cases.addRecord(caseId, { share: true });
  await cases.move(caseId, "CASE_ORGANISATION");
  const summaryId = await cases.saveSummary(caseId, { questionsForReviewers: ["Would you operate after three cycles?"], biomarkers: [{ name: "EGFR", result: "exon 19 deletion" }] });
  await cases.publishSummary(summaryId);
  await cases.move(caseId, "TRANSLATION");
  const translationId = await cases.saveSummary(caseId, {
    language: "ZH",
    translationOfId: summaryId,
    primaryCancer: "非小细胞肺癌",
    histology: "腺癌",
    stage: "cT2a N1 M0",
    currentPlan: "新辅助化疗联合免疫治疗",
    questionsForReviewers: ["三个周期后是否建议手术？"],
    biomarkers: [{ name: "EGFR", result: "19 号外显子缺失" }],
  });
  await cases.publishSummary(translationId);
  const assignmentId = ok(
    await suite.server.gql(`mutation($c: ID!, $r: ID!, $due: DateTimeISO) { inviteReviewer(caseId: $c, reviewerId: $r, dueAt: $due) { id } }`, { c: caseId, r: reviewerId, due: inDays(dueInDays) }, suite.fixtures.coordinator.token),
  ).inviteReviewer.id as string;
  const reference = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { reference } }`, { id: caseId }, suite.fixtures.coordinator.token)).case.reference as string;
  return { caseId, summaryId, translationId, assignmentId, reference };
}

/** Waits until the server holds one more live subscription than `before` (the page follows the case). */
async function subscribed(before: number) {
  for (let i = 0; i < 1500 && suite.server.app.hub.stats().subscribers <= before; i++) await new Promise((r) => setTimeout(r, 20));
  expect(suite.server.app.hub.stats().subscribers).toBeGreaterThan(before);
}

const section = (page: Page, name: string) => page.locator(`section[data-section="${name}"]`);

test("the reviewer answers an invitation, comments, replies, proposes an option and submits an opinion, without ever receiving the patient's identifiers", async () => {
  const built = await invitedCase();
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.reviewerZh.email);
  await page.waitForURL(/\/review$/);
  await page.getByRole("heading", { level: 1, name: "My invitations" }).waitFor();
  const row = page.locator(`tr[data-case-id="${built.caseId}"]`);
  await row.getByText("Awaiting your answer", { exact: true }).waitFor();
  await checkPage(page, "invitations");

  // The invitation: what an invited reviewer may see, to decide.
  await row.getByRole("link", { name: built.reference }).click();
  await page.getByRole("heading", { level: 1, name: `Case ${built.reference}` }).waitFor();
  await page.getByRole("heading", { name: "Your invitation" }).waitFor();
  // Reviewer Zh reads Chinese: the translation, with the English source beside it, section by section.
  await section(page, "PRIMARY_CANCER").getByText("非小细胞肺癌", { exact: true }).waitFor();
  await section(page, "PRIMARY_CANCER").getByText("Non-small cell lung cancer", { exact: true }).waitFor();
  expect(await section(page, "PRIMARY_CANCER").locator('[lang="zh-CN"]').count()).toBe(1);
  await section(page, "BIOMARKERS").getByText("EGFR: exon 19 deletion", { exact: true }).waitFor();
  expect(await page.getByRole("button", { name: /^Comment on/ }).count()).toBe(0);
  expect(await page.getByRole("heading", { name: "Your opinion" }).count()).toBe(0);
  await checkPage(page, "invitation");

  await page.getByRole("button", { name: "Accept invitation" }).click();
  await page.getByRole("heading", { name: "Your opinion" }).waitFor();
  await page.getByRole("heading", { name: "Your invitation" }).waitFor({ state: "detached" });

  // A coordinator's comment on the stage arrives live; the reviewer answers it in its thread.
  const coordinatorComment = ok(
    await suite.server.gql(
      `mutation($input: AddCommentInput!) { addComment(input: $input) { id } }`,
      { input: { caseId: built.caseId, summaryId: built.summaryId, section: "STAGE", body: "Please check the nodal staging: EBUS confirmed N1." } },
      suite.fixtures.coordinator.token,
    ),
  ).addComment.id;
  const stage = section(page, "STAGE");
  await stage.getByText("Please check the nodal staging: EBUS confirmed N1.").waitFor();
  await stage.getByRole("button", { name: "Reply", exact: true }).click();
  await stage.getByLabel("Your reply to Test Coordinator").fill("Agreed: N1 on EBUS; PET-CT would settle N2.");
  await stage.getByRole("button", { name: "Post reply" }).click();
  await stage.getByRole("article", { name: "Reply by Dr Zh" }).getByText("Agreed: N1 on EBUS; PET-CT would settle N2.").waitFor();

  const biomarkers = section(page, "BIOMARKERS");
  await biomarkers.getByRole("button", { name: "Comment on Biomarkers" }).click();
  await biomarkers.getByLabel("Your comment on Biomarkers").fill("EGFR exon 19: osimertinib before surgery deserves a word.");
  await biomarkers.getByRole("button", { name: "Post comment" }).click();
  await biomarkers.getByRole("article", { name: "Comment by Dr Zh" }).getByText("EGFR exon 19: osimertinib before surgery deserves a word.").waitFor();

  const { comments } = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { comments { body section summary { id } parent { id } } } }`, { id: built.caseId }, suite.fixtures.coordinator.token)).case;
  expect(comments).toEqual(
    expect.arrayContaining([
      { body: "Agreed: N1 on EBUS; PET-CT would settle N2.", section: "STAGE", summary: { id: built.translationId }, parent: { id: coordinatorComment } },
      { body: "EGFR exon 19: osimertinib before surgery deserves a word.", section: "BIOMARKERS", summary: { id: built.translationId }, parent: null },
    ]),
  );

  // A pathway option of a kind from the list.
  await page.getByRole("combobox", { name: "Kind" }).click();
  await page.getByRole("option", { name: "Clinical trial", exact: true }).click();
  await page.getByRole("textbox", { name: "Title" }).fill("Neoadjuvant osimertinib trial");
  await page.getByRole("textbox", { name: "Description" }).fill("A phase 3 trial of osimertinib before resection.");
  await page.getByRole("button", { name: "Propose option" }).click();
  const option = page.locator('[data-option="Neoadjuvant osimertinib trial"]');
  await option.getByText("Clinical trial", { exact: true }).waitFor();
  await option.getByText("Proposed", { exact: true }).waitFor();

  // The coordinator opens the assessment; the page follows live, then takes the opinion.
  await cases.move(built.caseId, "PATHWAY_ASSESSMENT");
  await page.getByTestId("case-status").getByText("Pathway assessment", { exact: true }).waitFor();
  await page.getByLabel("Your written opinion").fill("Surgery after three cycles is reasonable; consider the osimertinib trial first.");
  await page.getByRole("button", { name: "Submit opinion…" }).click();
  const dialog = page.getByRole("dialog", { name: "Submit your opinion?" });
  await dialog.getByText("Once submitted, your opinion can no longer be changed.", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Submit opinion", exact: true }).click();
  await page.getByTestId("submitted-opinion").getByText("Surgery after three cycles is reasonable; consider the osimertinib trial first.").waitFor();
  expect(await page.getByLabel("Your written opinion").count()).toBe(0);
  expect(await page.getByRole("button", { name: "Submit opinion…" }).count()).toBe(0);
  const assignment = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { assignments { id status opinion } } }`, { id: built.caseId }, suite.fixtures.coordinator.token)).case.assignments[0];
  expect(assignment).toEqual({ id: built.assignmentId, status: "SUBMITTED", opinion: "Surgery after three cycles is reasonable; consider the osimertinib trial first." });
  await checkPage(page, "case");

  // The live updates were scanned too.
  expect(received.some((r) => r.where.startsWith("WebSocket") && r.text.includes("caseActivity"))).toBe(true);

  await page.getByRole("link", { name: "My cases", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "My cases" }).waitFor();
  await page.locator(`tr[data-case-id="${built.caseId}"]`).getByText("Opinion submitted", { exact: true }).waitFor();
  await checkPage(page, "my cases");
}, 300_000);

test("declining takes a reason, which the coordinators read; the case leaves the reviewer's lists", async () => {
  const built = await invitedCase();
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.reviewerZh.email);
  await page.goto(`${suite.base}/review/cases/${built.caseId}`);
  await page.getByRole("heading", { name: "Your invitation" }).waitFor();
  await page.getByRole("button", { name: "Decline…" }).click();
  const confirm = page.getByRole("button", { name: "Decline invitation" });
  expect(await confirm.isDisabled()).toBe(true);
  await page.getByLabel("Why are you declining?").fill("Outside my specialty: I review thoracic surgery only.");
  await confirm.click();
  await page.waitForURL(/\/review$/);
  await page.getByRole("heading", { level: 1, name: "My invitations" }).waitFor();
  await page.getByText("Invitation declined.", { exact: false }).waitFor();
  expect(await page.locator(`tr[data-case-id="${built.caseId}"]`).count()).toBe(0);
  const assignment = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { assignments { status declineReason } } }`, { id: built.caseId }, suite.fixtures.coordinator.token)).case.assignments[0];
  expect(assignment).toEqual({ status: "DECLINED", declineReason: "Outside my specialty: I review thoracic surgery only." });
  // Opened again, the case says it is not available, and nothing of it.
  await page.goto(`${suite.base}/review/cases/${built.caseId}`);
  await page.getByTestId("case-unavailable").waitFor();
  expect(await page.locator("body").innerText()).not.toContain(built.reference);
}, 120_000);

test("due dates: soonest first, overdue marked", async () => {
  const later = await invitedCase(suite.fixtures.reviewerEn.reviewerId, 20);
  const soon = await invitedCase(suite.fixtures.reviewerEn.reviewerId, 5);
  const overdue = await invitedCase(suite.fixtures.reviewerEn.reviewerId, 10);
  await cases.accept(soon.assignmentId, suite.fixtures.reviewerEn);
  // Due dates are set in the future; time passes for this one.
  await suite.server.db.query(`UPDATE review_assignment SET due_at = now() - interval '3 days' WHERE id = $1`, [overdue.assignmentId]);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.reviewerEn.email);
  await page.getByRole("link", { name: "Due dates", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "My due dates" }).waitFor();
  const rows = page.locator("tbody tr");
  await rows.nth(2).waitFor();
  expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-case-id")))).toEqual([overdue.caseId, soon.caseId, later.caseId]);
  expect(await rows.nth(0).getByText("Overdue", { exact: true }).count()).toBe(1);
  expect(await page.getByText("Overdue", { exact: true }).count()).toBe(1);
  await rows.nth(1).getByText("Accepted: opinion to write", { exact: true }).waitFor();
  await checkPage(page, "due dates");
}, 180_000);

test("the pages in Chinese", async () => {
  const built = await invitedCase();
  await cases.accept(built.assignmentId, suite.fixtures.reviewerZh);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.reviewerZh.email);
  await page.getByRole("heading", { level: 1, name: "My invitations" }).waitFor();
  await page.getByText("中文", { exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "我的邀请" }).waitFor();
  await page.getByRole("link", { name: "截止日期", exact: true }).waitFor();
  await checkPage(page, "invitations in Chinese");

  await page.getByRole("link", { name: "我的病例", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "我的病例" }).waitFor();
  await page.getByRole("columnheader", { name: "患者年龄段" }).waitFor();
  const row = page.locator(`tr[data-case-id="${built.caseId}"]`);
  await row.getByText("已接受：待撰写意见", { exact: true }).waitFor();
  await checkPage(page, "my cases in Chinese");

  await row.getByRole("link", { name: built.reference }).click();
  await page.getByRole("heading", { level: 1, name: `病例 ${built.reference}` }).waitFor();
  await page.getByRole("heading", { name: "病例摘要" }).waitFor();
  await section(page, "STAGE").getByRole("heading", { name: "分期" }).waitFor();
  await section(page, "PRIMARY_CANCER").getByText("原文，英文（第 1 版）", { exact: true }).waitFor();
  await page.getByRole("button", { name: "评论“生物标志物”" }).waitFor();
  await page.getByRole("heading", { name: "您的意见" }).waitFor();
  await page.getByRole("heading", { name: "诊疗路径方案" }).first().waitFor();
  await checkPage(page, "case in Chinese");

  await page.getByRole("link", { name: "截止日期", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "我的截止日期" }).waitFor();
  await checkPage(page, "due dates in Chinese");
}, 180_000);

test("when the patient takes back cross-border consent in their portal, the reviewer's open case page loses the case without a reload", async () => {
  const built = await invitedCase();
  await cases.accept(built.assignmentId, suite.fixtures.reviewerZh);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.reviewerZh.email);
  const before = suite.server.app.hub.stats().subscribers;
  await page.goto(`${suite.base}/review/cases/${built.caseId}`);
  await page.getByRole("heading", { name: "Your opinion" }).waitFor();
  await section(page, "PRIMARY_CANCER").getByText("非小细胞肺癌", { exact: true }).waitFor();
  await page.evaluate("window.notReloaded = true");
  await subscribed(before);

  // The patient, in their own browser, takes consent back in the portal.
  const patientContext = await newContext(suite.browser, suite.problems);
  try {
    const portal = await patientContext.newPage();
    await submitSignIn(portal, canaryPatient.email, PASSWORD);
    await portal.getByRole("link", { name: "My consent", exact: true }).click();
    await portal.getByRole("heading", { level: 1, name: "My consent" }).waitFor();
    const takeBack = portal.getByRole("button", { name: "Take back my consent" });
    await takeBack.first().waitFor();
    for (let standing = await takeBack.count(); standing > 0; standing -= 1) {
      await takeBack.first().click();
      const dialog = portal.getByRole("dialog", { name: "Take back your consent?" });
      await dialog.getByRole("button", { name: "Yes, take back my consent" }).click();
      await takeBack.nth(standing - 1).waitFor({ state: "detached" });
    }
  } finally {
    await patientContext.close();
  }
  const { consents } = ok(await suite.server.gql(`query($id: ID!) { patient(id: $id) { consents { active } } }`, { id: canaryPatient.patientId }, canaryPatient.token)).patient;
  expect(consents.filter((c: { active: boolean }) => c.active)).toEqual([]);

  await page.getByTestId("case-unavailable").getByText("This case is no longer available to you.", { exact: false }).waitFor();
  await page.getByRole("heading", { level: 1, name: "Case not available" }).waitFor();
  expect(await page.evaluate("window.notReloaded")).toBe(true);
  const text = await page.locator("body").innerText();
  for (const shown of [built.reference, "非小细胞肺癌", "Non-small cell lung cancer", "Case summary", "Your opinion"]) expect(text).not.toContain(shown);
  await checkPage(page, "case no longer available");
}, 180_000);
