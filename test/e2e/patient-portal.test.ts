import crypto from "node:crypto";
import type { Page } from "playwright-core";
import { CaseBuilder } from "../support/case-builder";
import { activateFromInvitation, expectAccessible, signIn, useBrowserSuite } from "../support/e2e";
import { failure, ok } from "../support/server";

/**
 * The patient's portal in a real Chromium against the real server (serving the built app from
 * client/dist) on the embedded PostgreSQL. Each test's patient gets their account as a patient
 * does: the coordinator creates them and issues an invitation, the patient activates it.
 */
const suite = useBrowserSuite("portal");
const PATIENT_PASSWORD = "a long and private passphrase";
let counter = 0;

interface PatientAccount {
  patientId: string;
  email: string;
  token: string;
}

/** A patient created by the coordinator, who activates the invitation link with their own password. */
async function newPatient(fullName: string): Promise<PatientAccount> {
  counter += 1;
  const email = `portal.${counter}@test.meridian`;
  const created = ok(
    await suite.server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { id userId } }`,
      { input: { fullName, dateOfBirth: "1958-09-23", email, preferredLanguage: "EN" } },
      suite.fixtures.coordinator.token,
    ),
  ).createPatient;
  return { patientId: created.id, email, token: await activateFromInvitation(created.userId, PATIENT_PASSWORD) };
}

async function heading(page: Page, name: string) {
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

const builder = () => new CaseBuilder(suite.server, suite.fixtures.coordinator.token);
const reviewerEn = () => ({ token: suite.fixtures.reviewerEn.token, reviewerId: suite.fixtures.reviewerEn.reviewerId });

test("the patient signs in to their case: its status in words, what is needed from them, the steps explained, and a coordinator's move shown live without reload", async () => {
  const patient = await newPatient("Rosalind Ashworth");
  const cases = builder();
  const caseId = await cases.openCase(patient.patientId, "Should I have surgery before chemotherapy?");
  const page = await suite.context.newPage();
  await signIn(page, patient.email, PATIENT_PASSWORD);
  await page.waitForURL(`${suite.base}/my-case`);
  await heading(page, "My case");
  expect(await page.evaluate("document.activeElement && document.activeElement.tagName")).toBe("H1");
  const status = page.getByTestId("my-case-status");
  await status.getByText("Records collection", { exact: true }).waitFor();
  await page.getByTestId("my-case-meaning").getByText("We gather your medical documents", { exact: false }).waitFor();
  await page.getByText("Should I have surgery before chemotherapy?", { exact: false }).waitFor();
  const needs = page.getByTestId("my-needs");
  await needs.getByText("Your medical documents", { exact: false }).waitFor();
  await needs.getByText("Your consent to an overseas review.", { exact: false }).waitFor();
  await page.getByRole("listitem").filter({ hasText: "Pathway assessment" }).getByText("Cancer specialists abroad read your summary", { exact: false }).waitFor();
  expect(await page.locator('li[aria-current="step"]').innerText()).toContain("Records collection");
  await page.getByText("Your case was opened", { exact: true }).waitFor();
  await expectAccessible(page, "my case");

  await page.evaluate("window.notReloaded = true");
  await cases.addRecord(caseId);
  await page.getByText("A document arrived safely", { exact: true }).waitFor();
  await needs.getByText("Your medical documents", { exact: false }).waitFor({ state: "detached" });
  await cases.move(caseId, "CASE_ORGANISATION");
  await status.getByText("Case organisation", { exact: true }).waitFor();
  await page.getByText("Your case is now at the step “Case organisation”", { exact: true }).waitFor();
  expect(await page.locator('li[aria-current="step"]').innerText()).toContain("Case organisation");
  expect(await page.evaluate("window.notReloaded")).toBe(true);

  await page.getByText("中文", { exact: true }).click();
  await heading(page, "我的病例");
  await status.getByText("病例整理", { exact: true }).waitFor();
  await page.getByText("协调员正在整理您的文件", { exact: false }).first().waitFor();
  await needs.getByText("需要您提供什么", { exact: true }).waitFor();
  await page.getByText("您的病例现在处于“病例整理”这一步", { exact: true }).waitFor();
  await page.getByRole("link", { name: "谁查看过我的档案", exact: true }).waitFor();
  await expectAccessible(page, "my case in Chinese");
}, 120_000);

test("the patient sends two records at once with a progress bar each; an unsupported file and a file named after them are refused in words", async () => {
  const patient = await newPatient("Cornelius Fairbairn");
  await builder().openCase(patient.patientId);
  const page = await suite.context.newPage();
  await signIn(page, patient.email, PATIENT_PASSWORD);
  await page.getByRole("link", { name: "My records", exact: true }).click();
  await heading(page, "My records");
  await page.getByText("We have no document from you yet.", { exact: true }).waitFor();
  await expectAccessible(page, "my records");

  const big = Buffer.from(crypto.randomBytes(1_500_000).toString("base64"));
  await page.locator('input[type="file"]').setInputFiles([
    { name: "ct-scan-report.txt", mimeType: "text/plain", buffer: big },
    { name: "blood-tests.txt", mimeType: "text/plain", buffer: Buffer.from("Haemoglobin 128 g/L.\n") },
    { name: "holiday.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ") },
  ]);
  await page.getByRole("alert").getByText("holiday.exe is not a supported type", { exact: false }).waitFor();
  for (const name of ["ct-scan-report.txt", "blood-tests.txt"]) {
    const upload = page.locator(`[data-upload="${name}"]`);
    await upload.getByText("Received", { exact: true }).waitFor();
    await expect(upload.getByRole("progressbar", { name: `Upload of ${name}` }).getAttribute("aria-valuenow")).resolves.toBe("100");
    await page.getByRole("cell", { name, exact: true }).waitFor();
  }
  expect(await page.getByText(/^Received safely \(/).count()).toBe(2);

  await page.locator('input[type="file"]').setInputFiles([{ name: "fairbairn-letter.txt", mimeType: "text/plain", buffer: Buffer.from("Referral letter.\n") }]);
  await page.locator('[data-upload="fairbairn-letter.txt"]').getByRole("alert").getByText("its file name seems to contain your name", { exact: false }).waitFor();
  await expectAccessible(page, "my records after uploads");

  await page.getByRole("link", { name: "My case", exact: true }).click();
  await page.getByTestId("my-needs").getByText("Your consent to an overseas review.", { exact: false }).waitFor();
  expect(await page.getByTestId("my-needs").getByText("Your medical documents", { exact: false }).count()).toBe(0);

  await page.getByText("中文", { exact: true }).click();
  await page.getByRole("link", { name: "我的病历", exact: true }).click();
  await heading(page, "我的病历");
  await page.getByText("我们已收到的文件", { exact: true }).waitFor();
  await page.getByText("把文件拖到这里，或点击选择文件", { exact: true }).waitFor();
  await expectAccessible(page, "my records in Chinese");
}, 120_000);

test("consent given and taken back through the portal: the reviewer who had access then gets NOT_FOUND, and the access log shows the reviewer's read", async () => {
  const patient = await newPatient("Henrietta Blackwood");
  const page = await suite.context.newPage();
  await signIn(page, patient.email, PATIENT_PASSWORD);
  await page.getByRole("link", { name: "My consent", exact: true }).click();
  await heading(page, "My consent");
  await page.getByText("You have not given consent yet.", { exact: false }).waitFor();
  await page.getByText("What they have already read cannot be unread.", { exact: false }).waitFor();
  await expectAccessible(page, "my consent");
  const give = page.getByRole("button", { name: "Give my consent" });
  expect(await give.isDisabled()).toBe(true);
  expect(await page.getByRole("checkbox", { name: "China" }).isChecked()).toBe(true);
  await page.getByRole("checkbox", { name: /^I have read this/ }).check();
  await give.click();
  const consent = page.locator("[data-consent]").first();
  await consent.getByText("Given", { exact: true }).waitFor();
  await consent.getByText("Teams in China", { exact: true }).waitFor();

  // The coordinator carries a case to the overseas review; the reviewer opens it.
  const built = await builder().assessmentCase(patient.patientId, reviewerEn(), "CN", { consent: false });
  const read = `query($id: ID!) { case(id: $id) { id status } }`;
  expect(ok(await suite.server.gql(read, { id: built.caseId }, suite.fixtures.reviewerEn.token)).case).toEqual({ id: built.caseId, status: "PATHWAY_ASSESSMENT" });

  await page.getByRole("link", { name: "Who saw my file", exact: true }).click();
  await heading(page, "Who saw my file");
  await page.locator('[data-access-kind="VIEWED_FILE"]').getByText("Dr En (reviewer, Partner Hospital, China) opened your file.", { exact: true }).waitFor();
  await page.locator('[data-access-kind="RECORDED_CONSENT"]').getByText("You recorded your consent.", { exact: true }).waitFor();
  await expectAccessible(page, "who saw my file");

  await page.getByRole("link", { name: "My consent", exact: true }).click();
  await heading(page, "My consent");
  await consent.getByRole("button", { name: "Take back my consent" }).click();
  const dialog = page.getByRole("dialog", { name: "Take back your consent?" });
  await dialog.getByText("Teams in China will lose access to your case at once", { exact: false }).waitFor();
  await expectAccessible(page, "take back consent");
  await dialog.getByRole("button", { name: "Keep my consent" }).click();
  await dialog.waitFor({ state: "detached" });
  expect(ok(await suite.server.gql(read, { id: built.caseId }, suite.fixtures.reviewerEn.token)).case.id).toBe(built.caseId);

  await consent.getByRole("button", { name: "Take back my consent" }).click();
  await dialog.getByRole("button", { name: "Yes, take back my consent" }).click();
  await consent.getByText("Taken back", { exact: true }).waitFor();
  expect(failure(await suite.server.gql(read, { id: built.caseId }, suite.fixtures.reviewerEn.token)).code).toBe("NOT_FOUND");

  await page.getByRole("link", { name: "My case", exact: true }).click();
  await page.getByTestId("my-case-status").getByText("On hold", { exact: true }).waitFor();
  await page.getByTestId("my-needs").getByText("Your consent for China", { exact: false }).waitFor();
  await page.getByText("Your case was paused", { exact: true }).waitFor();
  await page.getByText("Consent was taken back, so the review stops until consent is given again.", { exact: true }).waitFor();

  await page.getByText("中文", { exact: true }).click();
  await page.getByRole("link", { name: "我的同意", exact: true }).click();
  await heading(page, "我的同意");
  await page.getByText("您的同意意味着什么", { exact: true }).waitFor();
  await consent.getByText("已撤回", { exact: true }).waitFor();
  await expectAccessible(page, "my consent in Chinese");
  await page.getByRole("link", { name: "谁查看过我的档案", exact: true }).click();
  await heading(page, "谁查看过我的档案");
  await page.locator('[data-access-kind="VIEWED_FILE"]').getByText("Dr En（评审专家，Partner Hospital，中国）打开了您的档案。", { exact: true }).waitFor();
  await expectAccessible(page, "who saw my file in Chinese");
}, 180_000);

test("the delivered options, with the disclaimer, and only those delivered; several cases list the running one first", async () => {
  const patient = await newPatient("Ambrose Pettigrew");
  const cases = builder();
  const earlier = await cases.openCase(patient.patientId, "An earlier question");
  await cases.move(earlier, "WITHDRAWN");
  const built = await cases.deliveredCase(patient.patientId, reviewerEn(), "CN", {
    opinion: "Surgery after three cycles is reasonable.",
    delivered: "Confirm surgery after neoadjuvant therapy",
    setAside: "Proton therapy abroad",
  });
  const page = await suite.context.newPage();
  await signIn(page, patient.email, PATIENT_PASSWORD);
  await page.getByTestId("my-case-status").getByText("Options delivered", { exact: true }).waitFor();
  const others = page.getByRole("heading", { name: "Your other cases" });
  await others.waitFor();
  await page.getByText("Withdrawn", { exact: true }).waitFor();
  const reference = ok(await suite.server.gql(`query($id: ID!) { case(id: $id) { reference } }`, { id: built.caseId }, suite.fixtures.coordinator.token)).case.reference;
  await page.getByText(`Case ${reference}`, { exact: true }).waitFor();

  await page.getByRole("link", { name: "My options", exact: true }).click();
  await heading(page, "My options");
  await page.getByTestId("disclaimer").getByText("Meridian is not a hospital. It does not give a diagnosis and does not replace your oncologist.", { exact: false }).waitFor();
  await page.getByRole("heading", { level: 2, name: "Option 1: Confirm surgery after neoadjuvant therapy" }).waitFor();
  await page.getByText("Take this page to your oncologist", { exact: false }).waitFor();
  expect(await page.getByText("Proton therapy abroad").count()).toBe(0);
  await expectAccessible(page, "my options");

  await page.getByText("中文", { exact: true }).click();
  await heading(page, "我的方案");
  await page.getByTestId("disclaimer").getByText("Meridian 不是医院，不做诊断，也不能代替您的肿瘤科医生。", { exact: false }).waitFor();
  await page.getByRole("heading", { level: 2, name: "方案 1：Confirm surgery after neoadjuvant therapy" }).waitFor();
  await expectAccessible(page, "my options in Chinese");
}, 180_000);

test("the access log comes a page at a time, newest first", async () => {
  const patient = await newPatient("Ottoline Marchbanks");
  const caseId = await builder().openCase(patient.patientId);
  // Each record the coordinator adds is a change of its own in the log: 25 of them fill more than one page (20).
  for (let index = 1; index <= 25; index += 1) {
    ok(
      await suite.server.gql(
        `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id } }`,
        { input: { caseId, kind: "LAB_RESULT", title: `Lab result ${index}`, language: "EN" } },
        suite.fixtures.coordinator.token,
      ),
    );
  }
  const page = await suite.context.newPage();
  await signIn(page, patient.email, PATIENT_PASSWORD);
  await page.getByRole("link", { name: "Who saw my file", exact: true }).click();
  await heading(page, "Who saw my file");
  const entries = page.locator("[data-access-kind]");
  const added = page.locator('[data-access-kind="ADDED_RECORD"]');
  await added.first().getByText("Test Coordinator (coordinator) added a record to your file.", { exact: true }).waitFor();
  expect(await entries.count()).toBe(20);
  expect(await page.locator('[data-access-kind="CREATED_FILE"]').count()).toBe(0);
  await page.getByRole("button", { name: "Show earlier entries" }).click();
  await page.locator('[data-access-kind="CREATED_FILE"]').getByText("Test Coordinator (coordinator) created your file.", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Show earlier entries" }).waitFor({ state: "detached" });
  expect(await added.count()).toBe(25);
  expect(await entries.count()).toBeGreaterThan(25);
});

test("other roles get not found under /my-case", async () => {
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.coordinator.email);
  await page.goto(`${suite.base}/my-case`);
  await heading(page, "Page not found");
});
