/**
 * Every stream a document request opens is released on every path: finished, aborted by the
 * client, stalled (the client stops reading), and for uploads the temporary file goes too.
 * Open files are counted in /proc/self/fd: the test server runs in this very process.
 * Partial uploads left by a crash are swept; a full disk answers 507 STORAGE_FULL.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startServerOn, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;
let caseId: string;
let recordId: string;

const MB = 1024 * 1024;
/** Far larger than the socket buffers, so an aborted or stalled download is cut mid-file. */
const DOCUMENT = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(6 * MB, 0x41)]);
// Above what a request takes on a loaded machine: the idle timeout cuts any connection that goes quiet.
const IDLE_TIMEOUT_MS = 3000;

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

const addRecordUrl = async (target: TestServer, title: string) =>
  ok(await target.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title, language: "EN" } }, f.coordinator.token)).addMedicalRecord.uploadUrl as string;

test("partial uploads left by a crash are removed at start and by the sweep, once older than an upload URL lives", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-sweep-"));
  const documents = path.join(dataDir, "documents");
  fs.mkdirSync(documents);
  const plant = (name: string, ageMinutes: number) => {
    const file = path.join(documents, name);
    fs.writeFileSync(file, Buffer.alloc(1024));
    const at = new Date(Date.now() - ageMinutes * 60_000);
    fs.utimesSync(file, at, at);
  };
  plant("left-by-a-crash.0001.part", 16);
  plant("in-progress-elsewhere.0002.part", 1);
  plant("a-stored-document", 60);
  const restarted = await startServerOn(server.config.databaseUrl!, dataDir);
  try {
    expect(fs.readdirSync(documents).sort()).toEqual(["a-stored-document", "in-progress-elsewhere.0002.part"]);
    plant("left-later.0003.part", 20);
    await restarted.app.sweepPartialUploads();
    expect(fs.readdirSync(documents).sort()).toEqual(["a-stored-document", "in-progress-elsewhere.0002.part"]);
  } finally {
    await restarted.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

/** A 1 MB tmpfs (needs root, or CAP_SYS_ADMIN): a real full disk. */
function tinyDisk(dir: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test("a full disk answers 507 STORAGE_FULL, leaves nothing behind, and is logged as a warning", async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-full-"));
  const documents = path.join(dataDir, "documents");
  fs.mkdirSync(documents);
  if (!tinyDisk(documents)) {
    console.warn("skipped: mounting a tmpfs needs root here");
    fs.rmSync(dataDir, { recursive: true, force: true });
    return;
  }
  const logs: string[] = [];
  const full = await startServerOn(server.config.databaseUrl!, dataDir, { logLevel: "info" }, { onLog: (line) => logs.push(line) });
  try {
    const response = await fetch(await addRecordUrl(full, "Large scan"), { method: "PUT", headers: { "content-type": "application/pdf" }, body: DOCUMENT.subarray(0, 3 * MB) });
    expect({ status: response.status, body: await response.json() }).toEqual({ status: 507, body: { code: "STORAGE_FULL" } });
    expect(fs.readdirSync(documents)).toEqual([]);
    const lines = logs.map((line) => JSON.parse(line));
    expect(lines.filter((line) => line.msg === "storage full: document refused")).toEqual([expect.objectContaining({ level: 40, errorCode: "ENOSPC" })]);
    expect(lines.filter((line) => line.level >= 50)).toEqual([]);
    // Once there is room again, the same kind of upload goes through.
    const small = await fetch(await addRecordUrl(full, "Small scan"), { method: "PUT", headers: { "content-type": "application/pdf" }, body: DOCUMENT.subarray(0, 200 * 1024) });
    expect(small.status).toBe(201);
  } finally {
    await full.close();
    execFileSync("umount", [documents]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
