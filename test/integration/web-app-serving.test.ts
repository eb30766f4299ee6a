import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestServer, type TestServer } from "../support/server";

/** The built app served next to the API, from a stand-in build (the real one is the e2e tests'). */
let server: TestServer;
let clientDir: string;
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

beforeAll(async () => {
  clientDir = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-client-"));
  fs.mkdirSync(path.join(clientDir, "assets"));
  fs.writeFileSync(path.join(clientDir, "index.html"), `<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>`);
  fs.writeFileSync(path.join(clientDir, "assets", "index-abc123.js"), "console.log('app');\n");
  server = await startTestServer({ clientDir });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(clientDir, { recursive: true, force: true });
});

const get = (pathname: string, accept = BROWSER_ACCEPT) => fetch(`${server.url}${pathname}`, { headers: { accept } });

test("the app's routes answer index.html, never cached, under a policy that lets the app run and talk to its own origin", async () => {
  for (const pathname of ["/", "/sign-in", "/activate", "/cases/42/records", "/patients/new"]) {
    const response = await get(pathname);
    expect({ pathname, status: response.status, type: response.headers.get("content-type") }).toEqual({ pathname, status: 200, type: expect.stringMatching(/^text\/html/) });
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toMatch(/connect-src 'self' ws: wss:/);
    expect(policy).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<div id="root">');
  }
});

test("hashed assets are cached for good; a missing asset is a 404, not the app", async () => {
  const asset = await get("/assets/index-abc123.js", "*/*");
  expect(asset.status).toBe(200);
  expect(asset.headers.get("cache-control")).toMatch(/max-age=31536000, immutable/);
  const missing = await get("/assets/index-gone.js", "*/*");
  expect(missing.status).toBe(404);
  expect(missing.headers.get("content-type")).toMatch(/^application\/json/);
});

test("API paths keep their JSON answers, even for a browser asking for HTML", async () => {
  for (const pathname of ["/graphql/foo", "/documents/nope", "/documents/download/not-a-token"]) {
    const response = await get(pathname);
    expect({ pathname, status: response.status, type: response.headers.get("content-type") }).toEqual({ pathname, status: 404, type: expect.stringMatching(/^application\/json/) });
  }
  const health = await get("/healthz");
  expect(await health.json()).toEqual({ status: "ok" });
  const api = await fetch(`${server.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { id } }" }) });
  expect(await api.json()).toEqual({ data: { viewer: null } });
});

test("a client that does not ask for HTML gets JSON 404 on an unknown path", async () => {
  const response = await get("/nope", "*/*");
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ code: "NOT_FOUND" });
});
