/**
 * Every stream a document request opens is released on every path: finished, aborted by the
 * client, stalled (the client stops reading), and for uploads the temporary file goes too.
 * Open files are counted in /proc/self/fd: the test server runs in this very process.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;
let caseId: string;
let recordId: string;

const MB = 1024 * 1024;
/** Far larger than the socket buffers, so an aborted or stalled download is cut mid-file. */
const DOCUMENT = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(6 * MB, 0x41)]);
const IDLE_TIMEOUT_MS = 600;

const documentsDir = () => path.join(server.config.dataDir, "documents");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The files of this process that are open under the documents directory. */
function openDocumentFiles(): string[] {
  const dir = fs.realpathSync(documentsDir());
  const open: string[] = [];
  for (const fd of fs.readdirSync("/proc/self/fd")) {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // Closed between readdir and readlink.
    }
  }
  return open;
}

const openFileCount = () => fs.readdirSync("/proc/self/fd").length;

/** Waits (bounded) for the server to notice what the client did; returns what is still open. */
async function settledOpenDocumentFiles(): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (openDocumentFiles().length > 0 && Date.now() < deadline) await sleep(50);
  return openDocumentFiles();
}

async function downloadUrl(): Promise<string> {
  const data = ok(await server.gql(`query($id: ID!) { case(id: $id) { records { id downloadUrl } } }`, { id: caseId }, f.coordinator.token));
  return data.case.records.find((r: { id: string }) => r.id === recordId).downloadUrl;
}

/** A GET that ends as `how` says once the first bytes of the body arrived; resolves with the request then. */
function download(url: string, how: "abort" | "stall"): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.once("data", () => {
        if (how === "abort") request.destroy();
        else response.pause();
        resolve(request);
      });
    });
    request.on("error", (error) => (how === "abort" ? undefined : reject(error)));
  });
}

beforeAll(async () => {
  server = await startTestServer({ idleTimeoutMs: IDLE_TIMEOUT_MS });
  f = await createFixtures(server, "streams");
  caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason: "Second look" } }, f.coordinator.token)).openCase.id;
  const added = ok(await server.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Biopsy", language: "EN" } }, f.coordinator.token)).addMedicalRecord;
  recordId = added.id;
  const response = await fetch(added.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body: DOCUMENT });
  expect(response.status).toBe(201);
});
afterAll(() => server.close());

test("downloads aborted after their first chunk leave no file open", async () => {
  const before = openFileCount();
  for (let i = 0; i < 30; i++) await download(await downloadUrl(), "abort");
  const left = await settledOpenDocumentFiles();
  console.log(`30 aborted downloads: process files ${before} before, ${openFileCount()} after; document files still open: ${left.length}`);
  expect(left).toEqual([]);
  // A whole download still works, and releases its file as well.
  const whole = await fetch(await downloadUrl());
  expect(Buffer.from(await whole.arrayBuffer()).equals(DOCUMENT)).toBe(true);
  expect(await settledOpenDocumentFiles()).toEqual([]);
});

test("downloads whose client stops reading are cut after the idle timeout, and their files close", async () => {
  const before = openFileCount();
  const stalled = await Promise.all(Array.from({ length: 5 }, async () => download(await downloadUrl(), "stall")));
  expect(openDocumentFiles().length).toBeGreaterThan(0);
  // The clients still hold their end, unread: the server gives up on its own.
  const left = await settledOpenDocumentFiles();
  for (const request of stalled) request.destroy();
  console.log(`5 stalled downloads: process files ${before} before, ${openFileCount()} after; document files still open: ${left.length}`);
  expect(left).toEqual([]);
});

test("uploads aborted mid-body leave neither an open file nor a temporary one", async () => {
  for (let i = 0; i < 5; i++) {
    const added = ok(await server.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title: `Scan ${i}`, language: "EN" } }, f.coordinator.token)).addMedicalRecord;
    await new Promise<void>((resolve) => {
      const request = http.request(added.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf", "content-length": String(8 * MB) }, agent: false });
      request.on("error", () => resolve());
      request.on("close", () => resolve());
      request.write(Buffer.alloc(2 * MB, 0x42), () => setTimeout(() => request.destroy(), 50));
    });
  }
  expect(await settledOpenDocumentFiles()).toEqual([]);
  const deadline = Date.now() + 10_000;
  while (fs.readdirSync(documentsDir()).some((name) => name.endsWith(".part")) && Date.now() < deadline) await sleep(50);
  expect(fs.readdirSync(documentsDir()).filter((name) => name.endsWith(".part"))).toEqual([]);
});
