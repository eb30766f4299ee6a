import crypto from "node:crypto";
import fs from "node:fs";
import zlib from "node:zlib";
import type { Page } from "playwright-core";
import { CaseBuilder } from "../support/case-builder";
import { expectAccessible, signIn, submitSignIn, useBrowserSuite } from "../support/e2e";
import { ok } from "../support/server";

/**
 * The coordinator's workspace in a real Chromium against the real server (serving the built
 * app from client/dist) on the embedded PostgreSQL.
 */
const suite = useBrowserSuite("e2e");

const builder = () => new CaseBuilder(suite.server, suite.fixtures.coordinator.token);

test("sign-in: a wrong password is refused in words; the right one opens the dashboard, survives a reload, and signing out ends it", async () => {
  const caseId = await builder().openCase(suite.fixtures.patient.patientId);
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByRole("button", { name: "Sign in" }).waitFor();
  await expectAccessible(page, "sign-in");
  const firstLoad = await page.evaluate<string[]>("performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js'))");
  let gzipped = 0;
  for (const url of firstLoad) gzipped += zlib.gzipSync(Buffer.from(await (await fetch(url)).arrayBuffer())).length;
  console.log(`sign-in first load: ${firstLoad.length} scripts, ${(gzipped / 1024).toFixed(1)} kB of JavaScript gzipped`);

  await submitSignIn(page, suite.fixtures.coordinator.email, "not the password at all");
  await page.getByRole("alert").getByText("Wrong email or password.").waitFor();

  const started = Date.now();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.getByRole("heading", { level: 1, name: "Cases" }).waitFor();
  await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
  const signInToDashboardMs = Date.now() - started;

  await page.reload();
  await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
  const timing = await page.evaluate<{ rendered: number }>("({ rendered: performance.now() })");
  console.log(`dashboard: sign-in to rendered rows ${signInToDashboardMs} ms; reload to rendered rows ${Math.round(timing.rendered)} ms`);
  expect(await page.evaluate("document.activeElement && document.activeElement.tagName")).toBe("H1");
  await expectAccessible(page, "dashboard");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`${suite.base}/`);
  await page.waitForURL(/\/sign-in/);
});

async function chooseOption(page: Page, label: string | RegExp, option: string) {
  await page.getByLabel(label, { exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

async function move(page: Page, label: string) {
  await page.getByRole("button", { name: `Move to ${label}` }).click();
  await page.getByTestId("case-status").getByText(label, { exact: true }).waitFor();
}

async function openTab(page: Page, name: string) {
  await page.getByRole("tab", { name }).click();
}

test("the coordinator carries a new patient's case from the first record to options delivered (the reviewer's part over the API)", async () => {
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.getByRole("heading", { level: 1, name: "Cases" }).waitFor();

  await page.getByRole("link", { name: "New patient", exact: true }).first().click();
  await page.getByRole("heading", { level: 1, name: "New patient" }).waitFor();
  await expectAccessible(page, "new patient");
  await page.getByLabel("Full name").fill("Eleanor Whitcombe");
  await page.getByLabel("Email").fill("eleanor.whitcombe@example.org");
  await page.getByLabel("Date of birth").fill("1961-04-02");
  await page.getByRole("button", { name: "Create patient" }).click();
  await page.getByRole("heading", { level: 1, name: "Eleanor Whitcombe" }).waitFor();

  await page.getByRole("checkbox", { name: /I attest that the patient signed/ }).check();
  await page.getByRole("button", { name: "Record consent" }).click();
  await page.getByText(/^Recorded .* · from a signed form$/).waitFor();
  await expectAccessible(page, "patient");

  await page.getByRole("link", { name: "Patients", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Patients" }).waitFor();
  await page.getByLabel("Find a patient").fill("whitcombe");
  await page.getByRole("link", { name: "Eleanor Whitcombe", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "Eleanor Whitcombe" }).waitFor();

  await page.getByLabel("The patient's question").fill("Is surgery after chemotherapy the best path?");
  await page.getByRole("button", { name: "Open case" }).click();
  await page.getByRole("heading", { level: 1, name: /^Case MER-/ }).waitFor();
  await page.getByTestId("case-status").getByText("Records collection", { exact: true }).waitFor();
  const caseId = page.url().split("/cases/")[1].split("/")[0];
  await page.getByText("Case opened", { exact: true }).waitFor();
  await expectAccessible(page, "case timeline");

  await openTab(page, "Records");
  await page.locator('input[type="file"]').setInputFiles({ name: "biopsy-report.txt", mimeType: "text/plain", buffer: Buffer.from("Core biopsy: adenocarcinoma, TTF-1 positive.\n") });
  await page.locator('[data-upload="biopsy-report.txt"]').getByText("Uploaded").waitFor();
  await page.getByRole("cell", { name: "biopsy-report.txt", exact: true }).waitFor();
  await expectAccessible(page, "case records");
  await move(page, "Case organisation");

  await openTab(page, "Summary");
  await page.getByLabel("Primary cancer").fill("Non-small cell lung cancer");
  await page.getByLabel("Histology").fill("Adenocarcinoma");
  await page.getByLabel("Stage (TNM)").fill("cT2a N1 M0");
  await page.getByLabel("Current plan").fill("Neoadjuvant chemo-immunotherapy, then lobectomy");
  await page.getByRole("button", { name: "Add a question" }).click();
  await page.getByLabel("Question 1").fill("Would you recommend surgery after three cycles?");
  await expectAccessible(page, "case summary");
  await page.getByRole("button", { name: "Publish", exact: true }).click();
  await page.getByText(/^Published /).waitFor();
  await move(page, "Translation");

  await openTab(page, "Translation");
  await page.getByText("English source, version", { exact: false }).waitFor();
  await page.getByLabel("Primary cancer").fill("非小细胞肺癌");
  await page.getByLabel("Histology").fill("腺癌");
  await page.getByLabel("Stage (TNM)").fill("cT2a N1 M0");
  await page.getByLabel("Current plan").fill("新辅助化疗联合免疫治疗，随后肺叶切除");
  await page.getByLabel("Question 1").fill("三个周期后是否建议手术？");
  await expectAccessible(page, "case translation");
  await page.getByRole("button", { name: "Publish translation" }).click();
  await page.getByText(/^Translation version \d+ published$/).waitFor();

  await openTab(page, "Reviewers");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("button", { name: "Invite Dr Zh" }).click();
  await page.getByRole("cell", { name: "Dr Zh" }).waitFor();
  await expectAccessible(page, "case reviewers");

  const assignmentId = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { assignments { id } } }`, { id: caseId }, suite.fixtures.coordinator.token)).case.assignments[0].id;
  ok(await suite.server.gql(`mutation($id: ID!) { respondToInvitation(assignmentId: $id, accept: true) { status } }`, { id: assignmentId }, suite.fixtures.reviewerZh.token));
  await page.getByRole("cell", { name: "Accepted" }).waitFor();
  await move(page, "Pathway assessment");

  ok(await suite.server.gql(`mutation($id: ID!) { submitReview(assignmentId: $id, opinion: "Surgery after three cycles is reasonable; consider a trial.") { status } }`, { id: assignmentId }, suite.fixtures.reviewerZh.token));
  await page.getByRole("cell", { name: "Opinion submitted" }).waitFor();
  await move(page, "Option mapping");

  await openTab(page, "Options");
  await page.getByLabel("Title").fill("Confirm surgery after neoadjuvant therapy");
  await page.getByLabel("Description").fill("The current plan is supported by the review.");
  await page.getByRole("button", { name: "Add option" }).click();
  await chooseOption(page, "Status of Confirm surgery after neoadjuvant therapy", "To present to the patient");
  await expectAccessible(page, "case options");
  await move(page, "Options delivered");
  await page.getByText("These options were delivered to the patient and are frozen.", { exact: false }).waitFor();

  await openTab(page, "Consent");
  await page.getByText(/^Recorded .* · from a signed form$/).waitFor();
  await expectAccessible(page, "case consent");

  await openTab(page, "Timeline");
  await page.getByText("Option mapping → Options delivered", { exact: true }).waitFor();
  await page.getByText("Reviewer answered the invitation", { exact: true }).waitFor();
}, 300_000);

test("the dashboard changes live when another session moves a case", async () => {
  const cases = builder();
  const caseId = await cases.openCase(suite.fixtures.otherPatient.patientId);
  await cases.addRecord(caseId);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  const row = page.locator(`tr[data-case-id="${caseId}"]`);
  await row.getByText("Records collection", { exact: true }).waitFor();
  await page.evaluate("window.notReloaded = true");
  // The socket opens lazily with the first subscription: wait until the server counts it.
  await new Promise((resolve) => setTimeout(resolve, 500));

  await cases.move(caseId, "CASE_ORGANISATION");
  await row.getByText("Case organisation", { exact: true }).waitFor();
  expect(await page.evaluate("window.notReloaded")).toBe(true);
});

test("a refused transition says in words what is missing", async () => {
  const caseId = await builder().openCase(suite.fixtures.patient.patientId);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.goto(`${suite.base}/cases/${caseId}`);
  await page.getByTestId("case-status").getByText("Records collection", { exact: true }).waitFor();
  // Before the click: the step and what it still needs, from Case.allowedTransitions.
  await page.getByText("Still needed:", { exact: true }).waitFor();
  await page.getByRole("listitem").filter({ hasText: "A medical record whose document has been uploaded." }).first().waitFor();
  await page.getByRole("button", { name: "Move to Case organisation" }).click();
  const refusal = page.getByRole("alert").filter({ hasText: "The case cannot move yet." });
  await refusal.getByText("A medical record whose document has been uploaded.").waitFor();
  await page.getByTestId("case-status").getByText("Records collection", { exact: true }).waitFor();
});

test("records: several files at once with a progress bar each, an unsupported file refused in words, and a download returns the same bytes", async () => {
  const caseId = await builder().openCase(suite.fixtures.patient.patientId);
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.goto(`${suite.base}/cases/${caseId}/records`);
  const big = Buffer.from(crypto.randomBytes(1_500_000).toString("base64"));
  const small = Buffer.from("Discharge summary, redacted.\n");
  await page.locator('input[type="file"]').setInputFiles([
    { name: "imaging-report.txt", mimeType: "text/plain", buffer: big },
    { name: "discharge.txt", mimeType: "text/plain", buffer: small },
    { name: "installer.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
  ]);
  await page.getByRole("alert").getByText("installer.exe is not a supported type", { exact: false }).waitFor();
  for (const name of ["imaging-report.txt", "discharge.txt"]) {
    const upload = page.locator(`[data-upload="${name}"]`);
    await upload.getByText("Uploaded").waitFor();
    await expect(upload.getByRole("progressbar").getAttribute("aria-valuenow")).resolves.toBe("100");
  }

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download imaging-report.txt" }).click();
  const download = await downloading;
  const bytes = fs.readFileSync(await download.path());
  expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(crypto.createHash("sha256").update(big).digest("hex"));
});

test("the interface switches to 中文 and stays so after a reload", async () => {
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.getByRole("heading", { level: 1, name: "Cases" }).waitFor();
  await page.getByText("中文", { exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "病例" }).waitFor();
  expect(await page.evaluate("document.documentElement.lang")).toBe("zh-CN");
  await page.getByRole("button", { name: "退出登录" }).waitFor();
  await page.reload();
  await page.getByRole("heading", { level: 1, name: "病例" }).waitFor();
  await page.getByRole("columnheader", { name: "病例编号" }).waitFor();
  await expectAccessible(page, "dashboard in Chinese");
});
