import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchBrowser, newContext, seriousViolations } from "./browser";
import { createFixtures, PASSWORD, type Fixtures } from "./fixtures";
import { ok, startTestServer, type TestServer } from "./server";

/** What a browser test file works with; each getter is valid once the suite's hooks have run. */
export interface BrowserSuite {
  readonly server: TestServer;
  readonly fixtures: Fixtures;
  readonly browser: Browser;
  /** The current test's context, fresh for each test. */
  readonly context: BrowserContext;
  /** The public URL the built app is served from. */
  readonly base: string;
  /** CSP violations and page errors of the current test; the test fails unless it stays empty. */
  readonly problems: string[];
}

export interface BrowserSuiteOptions {
  /** Runs on each test's fresh context before the test (e.g. to capture what the page receives). */
  onContext?: (context: BrowserContext) => Promise<void>;
  /** Checks run after each test's context is closed, so everything it received has arrived. */
  afterClose?: () => void;
}

interface State {
  server: TestServer;
  fixtures: Fixtures;
  browser: Browser;
  context: BrowserContext;
}

// Jest loads this module once per test file, so the state is the calling file's own.
let state: State | undefined;

function current(): State {
  if (!state) throw new Error("useBrowserSuite() has not set up this test file");
  return state;
}

/**
 * Registers the hooks of a browser test file: one server, fixtures (named with `prefix`) and
 * Chromium for the file; a fresh context per test that fails the test on a page error or CSP
 * violation.
 */
export function useBrowserSuite(prefix: string, options: BrowserSuiteOptions = {}): BrowserSuite {
  const partial: Partial<State> = {};
  const problems: string[] = [];

  beforeAll(async () => {
    state = partial as State;
    partial.server = await startTestServer();
    partial.fixtures = await createFixtures(partial.server, prefix);
    partial.browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await partial.browser?.close();
    await partial.server?.close();
    state = undefined;
  });

  beforeEach(async () => {
    problems.length = 0;
    partial.context = await newContext(partial.browser!, problems);
    await options.onContext?.(partial.context);
  });

  afterEach(async () => {
    await partial.context!.close();
    expect(problems).toEqual([]);
    options.afterClose?.();
  });

  return {
    get server() {
      return partial.server!;
    },
    get fixtures() {
      return partial.fixtures!;
    },
    get browser() {
      return partial.browser!;
    },
    get context() {
      return partial.context!;
    },
    get base() {
      return partial.server!.runtime.publicUrl;
    },
    problems,
  };
}

/** Submits the sign-in form, without waiting for its outcome. */
export async function submitSignIn(page: Page, email: string, password = PASSWORD) {
  await page.goto(`${current().server.runtime.publicUrl}/sign-in`);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Signs in through the form and waits until the app shows the signed-in frame. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await submitSignIn(page, email, password);
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}

/** Fails the test on any serious or critical axe violation of the page as it stands, naming the page. */
export async function expectAccessible(page: Page, name: string) {
  const violations = await seriousViolations(page);
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

/**
 * Activates an account as its owner does: an invitation issued (by the coordinator unless
 * `issuerToken` says otherwise), then the link's token redeemed with `password`. Returns the
 * access token the activation answers with.
 */
export async function activateFromInvitation(userId: string, password: string, issuerToken = current().fixtures.coordinator.token): Promise<string> {
  const { server } = current();
  const link: string = ok(await server.gql(`mutation($u: ID!) { issueAccountInvitation(userId: $u) }`, { u: userId }, issuerToken)).issueAccountInvitation;
  const token = /#token=([A-Za-z0-9_-]+)$/.exec(link)![1];
  return ok(await server.gql(`mutation($token: String!, $password: String!) { activateAccount(token: $token, password: $password) { accessToken } }`, { token, password })).activateAccount
    .accessToken;
}
