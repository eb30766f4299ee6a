import crypto from "node:crypto";
import fs from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, seriousViolations } from "../support/browser";
import { CaseBuilder } from "../support/case-builder";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";

/**
 * The coordinator's workspace in a real Chromium against the real server (serving the built
 * app from client/dist) on the embedded PostgreSQL.
 */
let server: TestServer;
let fixtures: Fixtures;
let browser: Browser;
let context: BrowserContext;
let base: string;
const problems: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  fixtures = await createFixtures(server, "e2e");
  base = server.runtime.publicUrl;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

beforeEach(async () => {
  problems.length = 0;
  context = await newContext(browser, problems);
});

afterEach(async () => {
  await context.close();
  expect(problems).toEqual([]);
});

async function signIn(page: Page, email = fixtures.coordinator.email, password = PASSWORD) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function expectAccessible(page: Page, name: string) {
  const violations = await seriousViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

const builder = () => new CaseBuilder(server, fixtures.coordinator.token);

test("sign-in: a wrong password is refused in words; the right one opens the dashboard, survives a reload, and signing out ends it", async () => {
  const caseId = await builder().openCase(fixtures.patient.patientId);
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForURL(/\/sign-in/);
  await expectAccessible(page, "sign-in");

  await signIn(page, fixtures.coordinator.email, "not the password at all");
  await page.getByRole("alert").getByText("Wrong email or password.").waitFor();

  const started = Date.now();
  await signIn(page);
  await page.getByRole("heading", { level: 1, name: "Cases" }).waitFor();
  await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
  const signInToDashboardMs = Date.now() - started;

  await page.reload();
  await page.locator(`tr[data-case-id="${caseId}"]`).waitFor();
  const timing = await page.evaluate(() => {
    const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
    return { rendered: performance.now(), domContentLoaded: navigation.domContentLoadedEventEnd };
  });
  console.log(`dashboard: sign-in to rendered rows ${signInToDashboardMs} ms; reload to rendered rows ${Math.round(timing.rendered)} ms`);
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("H1");
  await expectAccessible(page, "dashboard");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto(`${base}/`);
  await page.waitForURL(/\/sign-in/);
});
