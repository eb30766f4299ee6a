import fs from "node:fs";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";

const PROJECT = path.resolve(__dirname, "../..");

/**
 * Chromium from the @sparticuz/chromium package (no browser download): it unpacks into
 * $TMPDIR/chromium, here the git-ignored .cache/ of the project. A missing or broken browser
 * throws, failing the run.
 */
export async function launchBrowser(): Promise<Browser> {
  const tmp = path.join(PROJECT, ".cache", "tmp");
  fs.mkdirSync(tmp, { recursive: true });
  process.env.TMPDIR = tmp;
  const module = await import("@sparticuz/chromium");
  const chromium = module.default ?? module;
  const { chromium: playwright } = await import("playwright-core");
  // Its Lambda defaults include a single process (closing one context ends the browser) and
  // switched-off web security, which would hide exactly what these tests check (CSP, origins).
  const dropped = new Set(["--single-process", "--disable-web-security", "--allow-running-insecure-content", "--disable-site-isolation-trials"]);
  const args = chromium.args.filter((arg: string) => !dropped.has(arg));
  return playwright.launch({ executablePath: await chromium.executablePath(), args, headless: true });
}

/** A browser context that fails the test on any Content-Security-Policy violation or page error. */
export async function newContext(browser: Browser, problems: string[]): Promise<BrowserContext> {
  // No locale forced: the browser reports its own (here "en-US@posix", a tag Intl refuses).
  const context = await browser.newContext({ acceptDownloads: true });
  context.on("page", (page) => watch(page, problems));
  return context;
}

function watch(page: Page, problems: string[]) {
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(`CSP: ${message.text()}`);
  });
}

const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Waits until the page's transitions and finite animations have ended. axe measures contrast as
 * drawn, and a dialog still fading in fails it (a CI run failed so on the consent dialog);
 * endless ones (a loader's spin) are not waited for.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    type Running = { finished: Promise<unknown>; effect: { getComputedTiming(): { endTime?: number | string } } | null };
    const document = (globalThis as unknown as { document: { getAnimations(): Running[] } }).document;
    const finite = document.getAnimations().filter((a) => a.effect?.getComputedTiming().endTime !== Infinity);
    await Promise.all(finite.map((a) => a.finished.catch(() => undefined)));
  });
}

/** axe-core run inside the page (evaluated, so the app's CSP stays in force) once it has settled: serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await settled(page);
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    type AxeResult = { violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: string[] }> }> };
    const page = globalThis as unknown as { axe: { run(context: unknown, options: object): Promise<AxeResult> }; document: unknown };
    const result = await page.axe.run(page.document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical");
}
