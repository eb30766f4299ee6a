import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { HOME } from "../../client/src/app/navigation";
import { seedDemo } from "../../server/db/seed-demo";
import { launchBrowser } from "../support/browser";
import { startTestServer, type TestServer } from "../support/server";

/**
 * `npm run screenshots` (not part of `npm test`): each role's main page in English and in
 * Chinese, saved as docs/screenshots/<role>-<language>.png. The real server (serving the built
 * app) runs on a throwaway database of the test cluster, seeded with the demo of `npm start`
 * (server/db/seed-demo.ts); each role signs in through the sign-in page in its own browser.
 */

type Language = "en" | "zh";

/** Each role's main page, and the demo account that shows it in each language. */
const PAGES = [
  { role: "coordinator", path: HOME.COORDINATOR, account: { en: "coordinator@demo.meridian", zh: "coordinator@demo.meridian" } },
  { role: "reviewer", path: HOME.REVIEWER, account: { en: "reviewer.en@demo.meridian", zh: "reviewer.zh@demo.meridian" } },
  { role: "patient", path: HOME.PATIENT, account: { en: "patient@demo.meridian", zh: "patient@demo.meridian" } },
  { role: "admin", path: "/admin/users", account: { en: "admin@demo.meridian", zh: "admin@demo.meridian" } },
] as const;

const LANGUAGES: Language[] = ["en", "zh"];
const OUT = path.resolve(__dirname, "../../docs/screenshots");
const PASSWORD = "screenshots demo password";
const VIEWPORT = { width: 1280, height: 800 };

let server: TestServer;
let browser: Browser;
let base: string;
const started = Date.now();

beforeAll(async () => {
  server = await startTestServer({ demoPassword: PASSWORD });
  await seedDemo(server.runtime);
  base = server.runtime.publicUrl;
  browser = await launchBrowser();
  fs.mkdirSync(OUT, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  process.stdout.write(`screenshots: ${PAGES.length * LANGUAGES.length} pages in ${Math.round((Date.now() - started) / 1000)} s, in ${path.relative(process.cwd(), OUT)}/\n`);
});

/** Rendered: the page's h1 shown, no request in flight, no loader left, the fonts loaded. */
async function rendered(page: Page): Promise<void> {
  await page.locator("h1").first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.waitForFunction("!document.querySelector('.mantine-Loader-root, .mantine-Skeleton-root[data-visible=\"true\"]')");
  await page.evaluate("document.fonts.ready.then(() => true)");
}

const SHOTS = PAGES.flatMap((entry) => LANGUAGES.map((language) => ({ ...entry, language })));

test.each(SHOTS)("$role in $language: $path", async ({ role, path: pagePath, account, language }) => {
  // The app takes the browser's language until the viewer picks one, like a first visit.
  const context = await browser.newContext({ viewport: VIEWPORT, locale: language === "zh" ? "zh-CN" : "en-CA", timezoneId: "America/Toronto" });
  const problems: string[] = [];
  context.on("page", (page) => page.on("pageerror", (error) => problems.push(error.message)));
  try {
    const page = await context.newPage();
    await page.goto(`${base}/sign-in`);
    await page.locator('input[autocomplete="username"]').fill(account[language]);
    await page.locator('input[autocomplete="current-password"]').fill(PASSWORD);
    await page.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname !== "/sign-in");
    if (new URL(page.url()).pathname !== pagePath) await page.goto(`${base}${pagePath}`);
    await rendered(page);
    expect(await page.evaluate("document.documentElement.lang")).toBe(language === "zh" ? "zh-CN" : "en");
    // A window as tall as the page: fixed parts (the navigation's column) then reach its bottom.
    const height = await page.evaluate<number>("document.documentElement.scrollHeight");
    if (height > VIEWPORT.height) {
      await page.setViewportSize({ width: VIEWPORT.width, height });
      await rendered(page);
    }
    await page.screenshot({ path: path.join(OUT, `${role}-${language}.png`), fullPage: true, animations: "disabled", caret: "hide" });
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
});
