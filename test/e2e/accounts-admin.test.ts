import fs from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { searchTextOf } from "../../server/common/search";
import { newContext } from "../support/browser";
import { expectAccessible, signIn, useBrowserSuite } from "../support/e2e";
import { PASSWORD } from "../support/fixtures";
import { ok } from "../support/server";

/**
 * Accounts for everyone (activation, change and reset of a password, the remembered language)
 * and the administration (accounts, invitations, reviewer profiles, legal holds) in a real
 * Chromium against the real server serving the built app.
 */
const suite = useBrowserSuite("acc");

async function signOut(page: Page, label = "Sign out") {
  await page.getByRole("button", { name: label }).click();
  await page.waitForURL(/\/sign-in/);
}

const heading = (page: Page, name: string) => page.getByRole("heading", { level: 1, name, exact: true });

/** Sets a password on the page an invitation or reset link opens. */
async function setPassword(page: Page, password: string, submit: string) {
  await page.getByLabel(/^New password/).fill(password);
  await page.getByLabel(/^Repeat the password/).fill(password);
  await page.getByRole("button", { name: submit }).click();
}

const invitationOf = async (userId: string): Promise<string> =>
  ok(await suite.server.gql(`mutation($u: ID!) { issueAccountInvitation(userId: $u) }`, { u: userId }, suite.fixtures.admin.token)).issueAccountInvitation;

test("the admin lists, filters, searches and pages accounts, creates a reviewer and copies the invitation; in a fresh browser the link sets the password and the reviewer lands on their home", async () => {
  await suite.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: suite.base });
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.admin.email);
  await page.getByRole("link", { name: "Accounts", exact: true }).click();
  await heading(page, "Accounts").waitFor();
  await page.getByText("Dr Zh", { exact: true }).waitFor();
  await expectAccessible(page, "accounts");

  await page.getByRole("combobox", { name: "Role" }).click();
  await page.getByRole("option", { name: "Reviewer", exact: true }).click();
  await page.getByText("3 accounts", { exact: true }).waitFor();
  const rows = page.locator("tbody tr");
  expect((await rows.allInnerTexts()).map((text) => text.split("\t")[0]).sort()).toEqual(["Dr En", "Dr Us", "Dr Zh"]);

  await page.getByLabel("Search", { exact: true }).fill("zh");
  await page.getByText("1 account", { exact: true }).waitFor();
  await expect(rows.count()).resolves.toBe(1);
  await rows.getByText("Partner Hospital · CN · Oncology").waitFor();

  // Enough coordinators for a second page of 20.
  for (let i = 0; i < 21; i++) {
    const name = `Paged Coordinator ${String(i).padStart(2, "0")}`;
    const email = `paged.${i}@test.meridian`;
    await suite.server.db.query(`INSERT INTO app_user (email, role, display_name, search_text) VALUES ($1, 'COORDINATOR', $2, $3)`, [email, name, searchTextOf(name, email)]);
  }
  await page.getByLabel("Search", { exact: true }).fill("paged");
  await page.getByRole("combobox", { name: "Role" }).click();
  await page.getByRole("option", { name: "Coordinator", exact: true }).click();
  await page.getByText("21 accounts", { exact: true }).waitFor();
  const firstPage = await rows.allInnerTexts();
  expect(firstPage).toHaveLength(20);
  expect(await page.getByRole("button", { name: "Previous page" }).isDisabled()).toBe(true);
  await page.getByRole("button", { name: "Next page" }).click();
  // The 20 rows of the first page go, then the second page's one row comes.
  await rows.nth(1).waitFor({ state: "detached" });
  await rows.first().waitFor();
  expect(await page.getByRole("button", { name: "Next page" }).isDisabled()).toBe(true);
  const secondPage = await rows.allInnerTexts();
  expect(secondPage).toHaveLength(1);
  expect(secondPage[0]).toContain("Invitation pending");
  expect(new Set([...firstPage, ...secondPage].map((text) => text.split("\t")[0])).size).toBe(21);

  await page.getByRole("link", { name: "New account", exact: true }).first().click();
  await heading(page, "New account").waitFor();
  await page.getByLabel("Reviewer", { exact: true }).check();
  await page.getByLabel(/^Name/).fill("Dr Chen Jing");
  await page.getByLabel(/^Email/).fill("chen.jing@partner.example.cn");
  await page.getByLabel(/^Institution/).fill("Shanghai Cancer Centre");
  await page.getByRole("combobox", { name: "Specialties" }).fill("Thoracic oncology");
  await page.getByRole("combobox", { name: "Specialties" }).press("Enter");
  await expectAccessible(page, "new account");
  await page.getByRole("button", { name: "Create account" }).click();
  await heading(page, "Account created for Dr Chen Jing").waitFor();
  const shown = await page.getByTestId("invitation-link").innerText();
  expect(shown.startsWith(`${suite.base}/activate#token=`)).toBe(true);
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.getByRole("button", { name: "Copied" }).waitFor();
  const firstLink = await page.evaluate<string>("navigator.clipboard.readText()");
  expect(firstLink).toBe(shown);
  await expectAccessible(page, "account created");
  await page.getByRole("button", { name: "Issue a new link (the earlier one stops working)" }).click();
  await page.getByTestId("invitation-link").getByText(/^http/).filter({ hasNotText: firstLink }).waitFor();
  const link = await page.getByTestId("invitation-link").innerText();
  expect(link.startsWith(`${suite.base}/activate#token=`)).toBe(true);

  const created = ok(await suite.server.gql(`{ users(search: "chen jing") { edges { node { role activated reviewer { institution country specialties languages } } } } }`, {}, suite.fixtures.admin.token));
  expect(created.users.edges.map((e: any) => e.node)).toEqual([
    { role: "REVIEWER", activated: false, reviewer: { institution: "Shanghai Cancer Centre", country: "CN", specialties: ["Thoracic oncology"], languages: ["ZH"] } },
  ]);

  const reviewerProblems: string[] = [];
  const fresh = await newContext(suite.browser, reviewerProblems);
  try {
    const reviewerPage = await fresh.newPage();
    await reviewerPage.goto(firstLink);
    await heading(reviewerPage, "Set your password").waitFor();
    await expectAccessible(reviewerPage, "activation");
    await setPassword(reviewerPage, "a long walk along the Bund", "Set password and sign in");
    await reviewerPage.getByRole("alert").getByText("The invitation link is invalid, used or expired", { exact: false }).waitFor();
    // Only the fragment differs: a fresh load, as a link opened from a mail would be.
    await reviewerPage.goto(link);
    await reviewerPage.reload();
    await setPassword(reviewerPage, "a long walk along the Bund", "Set password and sign in");
    await reviewerPage.waitForURL(`${suite.base}/review`);
    await reviewerPage.getByRole("button", { name: "Sign out" }).waitFor();
    await reviewerPage.getByRole("banner").getByText("Dr Chen Jing (reviewer)").waitFor();
  } finally {
    await fresh.close();
  }
  expect(reviewerProblems).toEqual([]);
  const login = await suite.server.gql(`mutation { login(email: "chen.jing@partner.example.cn", password: "a long walk along the Bund") { user { role } } }`);
  expect(ok(login).login.user.role).toBe("REVIEWER");
}, 180_000);

test("an invitation link activates every role's account and lands each on its home", async () => {
  const coordinator = ok(
    await suite.server.gql(`mutation { createUser(input: { email: "new.coordinator@test.meridian", displayName: "New Coordinator", role: COORDINATOR }) { id } }`, {}, suite.fixtures.admin.token),
  ).createUser.id;
  const admin = ok(await suite.server.gql(`mutation { createUser(input: { email: "new.admin@test.meridian", displayName: "New Admin", role: ADMIN }) { id } }`, {}, suite.fixtures.admin.token)).createUser.id;
  const patient = ok(
    await suite.server.gql(
      `mutation($input: CreatePatientInput!) { createPatient(input: $input) { userId } }`,
      { input: { fullName: "Rosalind Ashdown", dateOfBirth: "1958-09-12", email: "rosalind.ashdown@example.org", preferredLanguage: "EN" } },
      suite.fixtures.coordinator.token,
    ),
  ).createPatient.userId;
  for (const [userId, home] of [
    [coordinator, "/"],
    [admin, "/"],
    [patient, "/my-case"],
  ] as const) {
    const link = await invitationOf(userId);
    const fresh = await newContext(suite.browser, suite.problems);
    try {
      const page = await fresh.newPage();
      await page.goto(link);
      await setPassword(page, "seven quiet mornings in May", "Set password and sign in");
      await page.waitForURL(`${suite.base}${home}`);
      await page.getByRole("button", { name: "Sign out" }).waitFor();
    } finally {
      await fresh.close();
    }
  }
});

test("the admin edits a reviewer's profile and the list shows the change", async () => {
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.admin.email);
  await page.goto(`${suite.base}/admin/users`);
  await heading(page, "Accounts").waitFor();
  await page.getByLabel("Search", { exact: true }).fill(suite.fixtures.reviewerEn.email);
  await page.getByText("1 account", { exact: true }).waitFor();
  await page.getByRole("button", { name: "Edit profile of Dr En" }).click();
  const dialog = page.getByRole("dialog", { name: "Reviewer profile: Dr En" });
  await dialog.getByLabel(/^Institution/).fill("Peking Union Medical College Hospital");
  await dialog.getByRole("combobox", { name: "Specialties" }).fill("Radiation oncology");
  await dialog.getByRole("combobox", { name: "Specialties" }).press("Enter");
  await dialog.getByLabel("Chinese", { exact: true }).check();
  await expectAccessible(page, "reviewer profile");
  await dialog.getByRole("button", { name: "Save profile" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.locator("tbody tr").getByText("Peking Union Medical College Hospital · CN · Oncology, Radiation oncology").waitFor();

  const reviewers = ok(await suite.server.gql(`{ reviewers { id institution specialties languages } }`, {}, suite.fixtures.coordinator.token)).reviewers;
  expect(reviewers.find((r: any) => r.id === suite.fixtures.reviewerEn.reviewerId)).toEqual({
    id: suite.fixtures.reviewerEn.reviewerId,
    institution: "Peking Union Medical College Hospital",
    specialties: ["Oncology", "Radiation oncology"],
    languages: ["EN", "ZH"],
  });
});

test("the admin places a legal hold on a patient found by name, and lifts it", async () => {
  const holdOf = async () => ok(await suite.server.gql(`query($id: ID!) { patient(id: $id) { legalHold { reason } } }`, { id: suite.fixtures.otherPatient.patientId }, suite.fixtures.admin.token)).patient.legalHold;
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.admin.email);
  await page.getByRole("link", { name: "Legal holds", exact: true }).click();
  await heading(page, "Legal holds").waitFor();
  await page.getByLabel("Find a patient", { exact: true }).fill("quince");
  const row = page.getByRole("row").filter({ hasText: "Bartholomew Quince" });
  await row.getByText("No hold", { exact: true }).waitFor();
  await expectAccessible(page, "legal holds");
  await row.getByRole("link", { name: "Bartholomew Quince", exact: true }).click();
  await heading(page, "Legal hold: Bartholomew Quince").waitFor();
  await page.getByText("No legal hold stands on this patient.").waitFor();
  await page.getByLabel(/^Reason/).fill("Court order 2026-114");
  await page.getByRole("button", { name: "Place a legal hold" }).click();
  await page.getByTestId("hold-reason").getByText("Reason: Court order 2026-114").waitFor();
  await expectAccessible(page, "legal hold");
  expect(await holdOf()).toEqual({ reason: "Court order 2026-114" });

  await page.getByRole("link", { name: "Back to legal holds", exact: true }).click();
  await page.getByLabel("Find a patient", { exact: true }).fill("quince");
  await row.getByText(/^On legal hold since /).waitFor();
  await row.getByRole("link", { name: "Bartholomew Quince", exact: true }).click();
  await page.getByRole("button", { name: "Lift the hold" }).click();
  const dialog = page.getByRole("dialog", { name: "Lift the legal hold?" });
  await dialog.getByText("Nothing is erased now", { exact: false }).waitFor();
  await dialog.getByRole("button", { name: "Lift the hold" }).click();
  await page.getByText("No legal hold stands on this patient.").waitFor();
  expect(await holdOf()).toBeNull();
});

test("every role has an Account link; a password is changed with the current one, and only the new one signs in", async () => {
  const page = await suite.context.newPage();
  for (const account of [suite.fixtures.admin, suite.fixtures.coordinator, suite.fixtures.reviewerZh, suite.fixtures.patient]) {
    await signIn(page, account.email);
    await page.getByRole("link", { name: "Account", exact: true }).click();
    await heading(page, "Your account").waitFor();
    await page.getByText(account.email, { exact: true }).waitFor();
    await signOut(page);
  }

  const { email } = suite.fixtures.reviewerUs;
  await signIn(page, email);
  await page.getByRole("link", { name: "Account", exact: true }).click();
  await heading(page, "Your account").waitFor();
  await expectAccessible(page, "account");
  const newPassword = "rivers run under old bridges";
  await page.getByLabel(/^Current password/).fill("not my password at all");
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByLabel(/^Repeat the password/).fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByRole("alert").getByText("The current password is not right.").waitFor();
  await page.getByLabel(/^Current password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await page.getByText("Your password was changed.", { exact: false }).waitFor();
  await signOut(page);

  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").getByText("Wrong email or password.").waitFor();
  await signIn(page, email, newPassword);
  await page.waitForURL(`${suite.base}/review`);
});

/** The newest password-reset mail to `to` in the outbox the server writes (MERIDIAN_MAIL_DIR), once it is there. */
async function resetLinkMailedTo(to: string): Promise<string> {
  for (;;) {
    const files = fs.existsSync(suite.server.config.mailDir) ? fs.readdirSync(suite.server.config.mailDir).filter((name) => name.includes("password_reset")).sort() : [];
    const mail = files.map((name) => fs.readFileSync(path.join(suite.server.config.mailDir, name), "utf8")).filter((text) => text.startsWith(`To: ${to}\r\n`)).at(-1);
    const link = mail?.match(/^(http\S+)$/m)?.[1];
    if (link) return link;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("a forgotten password: the same answer for any email, the mailed link sets a new one and signs in", async () => {
  const { email } = suite.fixtures.otherPatient;
  const page = await suite.context.newPage();
  await page.goto(`${suite.base}/sign-in`);
  await page.getByRole("link", { name: "Forgot your password?", exact: true }).click();
  await heading(page, "Forgot your password").waitFor();
  await expectAccessible(page, "forgot password");
  await page.getByLabel("Email", { exact: true }).fill("nobody.at.all@example.org");
  await page.getByRole("button", { name: "Send the link" }).click();
  const unknownAnswer = await page.getByRole("status").filter({ hasText: "If an active account has this email" }).innerText();

  await page.reload();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send the link" }).click();
  const knownAnswer = await page.getByRole("status").filter({ hasText: "If an active account has this email" }).innerText();
  expect(knownAnswer).toBe(unknownAnswer);

  const link = await resetLinkMailedTo(email);
  expect(link.startsWith(`${suite.base}/reset-password#token=`)).toBe(true);
  await page.goto(link);
  await heading(page, "Set a new password").waitFor();
  await expectAccessible(page, "reset password");
  const newPassword = "tea leaves and autumn rain";
  await setPassword(page, newPassword, "Set password and sign in");
  await page.waitForURL(`${suite.base}/my-case`);
  await signOut(page);
  await signIn(page, email, newPassword);
});

test("the account and administration pages in Chinese; the choice survives signing out and in", async () => {
  const page = await suite.context.newPage();
  await signIn(page, suite.fixtures.admin.email);
  await page.getByText("中文", { exact: true }).click();
  await page.getByRole("link", { name: "账户管理", exact: true }).click();
  await heading(page, "账户管理").waitFor();
  await page.getByRole("columnheader", { name: "评审专家资料" }).waitFor();
  await page.getByText("已启用").first().waitFor();
  await expectAccessible(page, "accounts in Chinese");

  await page.getByRole("link", { name: "新建账户", exact: true }).first().click();
  await heading(page, "新建账户").waitFor();
  await page.getByLabel(/^所在机构/).waitFor();
  await page.getByRole("button", { name: "创建账户" }).waitFor();
  await expectAccessible(page, "new account in Chinese");

  await page.getByRole("link", { name: "法律保全", exact: true }).click();
  await heading(page, "法律保全").waitFor();
  await page.getByLabel("查找患者", { exact: true }).fill("holloway");
  await page.getByRole("row").filter({ hasText: "Margaret Holloway" }).getByText("无保全").waitFor();
  await expectAccessible(page, "legal holds in Chinese");

  await page.getByRole("link", { name: "我的账户", exact: true }).click();
  await heading(page, "您的账户").waitFor();
  await page.getByLabel(/^当前密码/).waitFor();
  await expectAccessible(page, "account in Chinese");

  await signOut(page, "退出登录");
  await heading(page, "登录").waitFor();
  await page.getByRole("link", { name: "忘记密码？", exact: true }).click();
  await heading(page, "忘记密码").waitFor();
  await page.getByRole("button", { name: "发送链接" }).waitFor();
  await expectAccessible(page, "forgot password in Chinese");
  await page.goto(`${suite.base}/reset-password#token=x`);
  await heading(page, "设置新密码").waitFor();

  await page.goto(`${suite.base}/sign-in`);
  await page.getByLabel("电子邮箱", { exact: true }).fill(suite.fixtures.admin.email);
  await page.getByLabel("密码", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "登录", exact: true }).click();
  await heading(page, "病例").waitFor();
  expect(await page.evaluate("document.documentElement.lang")).toBe("zh-CN");
});
