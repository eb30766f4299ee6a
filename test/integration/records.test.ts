import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { signDocumentToken } from "../../server/auth/tokens";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { generatedBody, rawRequest } from "../support/raw-http";
import { failure, ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;

const MB = 1024 * 1024;
const LIMIT = 50 * MB;

const RECORD_FIELDS = `id title contentType sizeBytes sha256 uploadUrl downloadUrl sharedWithReviewers`;
const ADD_RECORD = `mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { ${RECORD_FIELDS} } }`;
const CASE_RECORDS = `query($id: ID!) { case(id: $id) { id status records { ${RECORD_FIELDS} } } }`;
const SHARE = `mutation($id: ID!, $ok: Boolean!) { shareRecordWithReviewers(id: $id, redactionConfirmed: $ok) { id sharedWithReviewers } }`;

interface RecordView {
  id: string;
  title: string;
  contentType: string | null;
  sizeBytes: number | null;
  sha256: string | null;
  uploadUrl: string | null;
  downloadUrl: string | null;
  sharedWithReviewers: boolean;
}

const MARKER = "MERIDIAN-PLAINTEXT-MARKER Margaret Holloway pathology ";

/** A recognisable PDF-looking document of about `kb` kilobytes. */
function pdfBytes(kb = 300): Buffer {
  const head = Buffer.from(`%PDF-1.4\n%${MARKER.repeat(20)}\n`);
  const filler = Buffer.alloc(kb * 1024);
  for (let i = 0; i < filler.length; i += 4096) {
    Buffer.from(`${MARKER}${i}\n`).copy(filler, i);
    crypto.randomBytes(256).copy(filler, i + 512);
  }
  return Buffer.concat([head, filler, Buffer.from("\n%%EOF\n")]);
}

const sha256 = (bytes: Buffer) => crypto.createHash("sha256").update(bytes).digest("hex");

async function openCase(patientId: string): Promise<string> {
  const data = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId, reason: "Is the plan right?" } }, f.coordinator.token));
  return data.openCase.id;
}

async function addRecord(token: string, caseId: string, title = "Biopsy report, left breast"): Promise<RecordView> {
  const data = ok(await server.gql(ADD_RECORD, { input: { caseId, kind: "PATHOLOGY_REPORT", title, language: "EN" } }, token));
  return data.addMedicalRecord;
}

async function recordsOf(token: string, caseId: string): Promise<RecordView[]> {
  return ok(await server.gql(CASE_RECORDS, { id: caseId }, token)).case.records;
}

async function recordOf(token: string, caseId: string, recordId: string): Promise<RecordView | undefined> {
  return (await recordsOf(token, caseId)).find((r) => r.id === recordId);
}

function put(url: string, body: Buffer, contentType: string) {
  return fetch(url, { method: "PUT", headers: { "content-type": contentType }, body });
}

/** Adds a record as `token` and uploads `bytes` to it; returns the record as the uploader then sees it. */
async function uploadedRecord(token: string, caseId: string, bytes: Buffer, title?: string): Promise<RecordView> {
  const record = await addRecord(token, caseId, title);
  const response = await put(record.uploadUrl!, bytes, "application/pdf");
  expect(response.status).toBe(201);
  return (await recordOf(token, caseId, record.id))!;
}

const documentsDir = () => path.join(server.config.dataDir, "documents");

const PDF_HEAD = Buffer.from("%PDF-1.7\n");
/** A DICOM Part 10 head: a 128-byte preamble, then "DICM". */
const DICOM_HEAD = Buffer.concat([Buffer.alloc(128), Buffer.from("DICM")]);

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server, "records");
});
afterAll(() => server.close());

describe("uploading a document", () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
  });

  test("the upload URL is for the uploader only, and only until the bytes are in", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    expect(added.uploadUrl).toMatch(new RegExp(`^${server.runtime.publicUrl}/documents/upload/`));
    expect(added).toMatchObject({ contentType: null, sizeBytes: null, sha256: null, downloadUrl: null, sharedWithReviewers: false });

    // Other viewers who see the record get no upload URL: the admin, the patient who owns the case.
    expect((await recordOf(f.admin.token, caseId, added.id))?.uploadUrl).toBeNull();
    const asOwner = await recordOf(f.patient.token, caseId, added.id);
    expect(asOwner).toBeDefined();
    expect(asOwner!.uploadUrl).toBeNull();
    // The uploader asking again gets a fresh one.
    expect((await recordOf(f.coordinator.token, caseId, added.id))?.uploadUrl).toMatch(/\/documents\/upload\//);

    const bytes = pdfBytes(300);
    const response = await put(added.uploadUrl!, bytes, "application/pdf");
    expect(response.status).toBe(201);
    const body = (await response.json()) as { sha256: string; sizeBytes: number };
    expect(body.sha256).toBe(sha256(bytes));
    expect(body.sizeBytes).toBe(bytes.length);

    const after = await recordOf(f.coordinator.token, caseId, added.id);
    expect(after).toMatchObject({ contentType: "application/pdf", sizeBytes: bytes.length, sha256: sha256(bytes), uploadUrl: null });
    expect(after!.downloadUrl).toMatch(/\/documents\/download\//);
  });

  test("an upload URL takes one PUT: the second is refused and changes nothing", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const first = pdfBytes(200);
    expect((await put(added.uploadUrl!, first, "application/pdf")).status).toBe(201);

    const second = await put(added.uploadUrl!, pdfBytes(10), "application/pdf");
    expect([404, 409]).toContain(second.status);
    expect(second.status).toBeGreaterThanOrEqual(400);
    const record = await recordOf(f.coordinator.token, caseId, added.id);
    expect(record).toMatchObject({ sha256: sha256(first), sizeBytes: first.length });
  });

  test("a content type outside the list answers 415 with the field, and nothing is stored", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const response = await put(added.uploadUrl!, Buffer.from("PK\u0003\u0004 not a medical document"), "application/zip");
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ code: "BAD_USER_INPUT", field: "contentType" });
    const record = await recordOf(f.coordinator.token, caseId, added.id);
    expect(record).toMatchObject({ contentType: null, sha256: null, sizeBytes: null });
    expect(record!.uploadUrl).not.toBeNull();

    // The same URL still takes an allowed type afterwards.
    const bytes = Buffer.from("plain text clinical note\n".repeat(100));
    const retry = await put(added.uploadUrl!, bytes, "text/plain; charset=utf-8");
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { sha256: string }).sha256).toBe(sha256(bytes));
  });

  test("a streamed body over 50 MB answers 413 and leaves the record not uploaded", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const before = fs.readdirSync(documentsDir());
    const response = await rawRequest(added.uploadUrl!, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: generatedBody(LIMIT + 2 * MB, MB, 0x41, PDF_HEAD),
      timeoutMs: 120_000,
    });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ code: "PAYLOAD_TOO_LARGE" });
    // It was answered while the body was still arriving, and more than the limit had gone out.
    expect(response.bytesSent).toBeGreaterThan(LIMIT);

    const record = await recordOf(f.coordinator.token, caseId, added.id);
    expect(record).toMatchObject({ contentType: null, sizeBytes: null, sha256: null, downloadUrl: null });
    expect(record!.uploadUrl).not.toBeNull();
    const [row] = await server.db.query(`SELECT uploaded_at, storage FROM medical_record WHERE id = $1`, [added.id]);
    expect(row).toEqual({ uploaded_at: null, storage: null });
    // Nothing of the refused body stays on disk.
    expect(fs.readdirSync(documentsDir()).sort()).toEqual(before.sort());
  });

  test("a body of exactly 50 MB is accepted", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const response = await rawRequest(added.uploadUrl!, {
      method: "PUT",
      headers: { "content-type": "application/dicom" },
      body: generatedBody(LIMIT, MB, 0x07, DICOM_HEAD),
      timeoutMs: 120_000,
    });
    expect(response.status).toBe(201);
    expect(response.json().sizeBytes).toBe(LIMIT);
    const expected = crypto.createHash("sha256");
    for await (const chunk of generatedBody(LIMIT, MB, 0x07, DICOM_HEAD)) expected.update(chunk);
    expect(response.json().sha256).toBe(expected.digest("hex"));
  });

  test("a Content-Length declared over 50 MB answers 413 before the body is sent", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const response = await rawRequest(added.uploadUrl!, {
      method: "PUT",
      headers: { "content-type": "application/pdf", "content-length": LIMIT + 1 },
      headersOnly: true,
      timeoutMs: 15_000,
    });
    expect(response.status).toBe(413);
    expect(response.json()).toEqual({ code: "PAYLOAD_TOO_LARGE" });
    const record = await recordOf(f.coordinator.token, caseId, added.id);
    expect(record).toMatchObject({ contentType: null, sizeBytes: null, sha256: null });
    expect(record!.uploadUrl).not.toBeNull();
  });

  test("fetch with a streamed body (duplex: half) over the limit gets 413, and the next fetch still works", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= LIMIT + 4 * MB) return controller.close();
        const chunk = new Uint8Array(MB).fill(0x42);
        if (sent === 0) chunk.set(PDF_HEAD);
        sent += MB;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(added.uploadUrl!, { method: "PUT", headers: { "content-type": "application/pdf" }, body: stream, duplex: "half" } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ code: "PAYLOAD_TOO_LARGE" });
    // fetch pools connections: the one that carried the 413 must serve what comes next.
    for (let i = 0; i < 3; i++) {
      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      await health.text();
    }
    const record = await recordOf(f.coordinator.token, caseId, added.id);
    expect(record).toMatchObject({ contentType: null, sizeBytes: null, sha256: null });
  });

  test("the connection that carried a 413 serves the next request (keep-alive)", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await rawRequest(added.uploadUrl!, {
        method: "PUT",
        headers: { "content-type": "application/pdf" },
        body: generatedBody(LIMIT + 8 * MB, MB, 0x41, PDF_HEAD),
        agent,
        timeoutMs: 60_000,
      });
      expect(refused.status).toBe(413);
      // Once the client has sent the rest of its body, the connection goes back to the pool.
      const deadline = Date.now() + 10_000;
      while (Object.keys(agent.freeSockets).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);
      // On the upload URL's own origin (MERIDIAN_PUBLIC_URL's host): the agent pools connections per host name.
      const next = await rawRequest(`${new URL(added.uploadUrl!).origin}/healthz`, { method: "GET", agent, timeoutMs: 10_000 });
      expect(next.reusedSocket).toBe(true);
      expect(next.status).toBe(200);
      expect(next.json()).toEqual({ status: "ok" });
    } finally {
      agent.destroy();
    }
  });

  test("a client that goes away mid-upload leaves nothing behind, and the URL still works", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const before = fs.readdirSync(documentsDir()).sort();
    await new Promise<void>((resolve) => {
      const request = http.request(added.uploadUrl!, { method: "PUT", headers: { "content-type": "application/pdf" }, agent: false });
      request.on("error", () => resolve());
      request.on("close", () => resolve());
      let written = 0;
      const writeSome = () => {
        while (written < 6 * MB) {
          const chunk = Buffer.alloc(MB, 0x43);
          if (written === 0) PDF_HEAD.copy(chunk);
          written += MB;
          if (!request.write(chunk)) return void request.once("drain", writeSome);
        }
        setTimeout(() => request.destroy(), 100);
      };
      writeSome();
    });
    // The server notices the abort and removes its partial file.
    const deadline = Date.now() + 10_000;
    while (fs.readdirSync(documentsDir()).some((name) => name.endsWith(".part")) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fs.readdirSync(documentsDir()).sort()).toEqual(before);
    expect(await recordOf(f.coordinator.token, caseId, added.id)).toMatchObject({ sha256: null, contentType: null });

    const bytes = pdfBytes(50);
    const retry = await put(added.uploadUrl!, bytes, "application/pdf");
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { sha256: string }).sha256).toBe(sha256(bytes));
  });
});

describe("what a document holds", () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
  });

  /** The record as its uploader sees it, its database row, and the store's files for it. */
  async function stateOf(recordId: string) {
    const [row] = await server.db.query(`SELECT uploaded_at, storage, sha256 FROM medical_record WHERE id = $1`, [recordId]);
    const files = fs.readdirSync(documentsDir()).filter((name) => name.startsWith(recordId));
    return { row, files };
  }

  async function expectRefused(recordId: string, response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ code: "BAD_USER_INPUT", field: "body" });
    expect(await stateOf(recordId)).toEqual({ row: { uploaded_at: null, storage: null, sha256: null }, files: [] });
  }

  test("an empty body is refused (400 on body), nothing is kept, and the URL still takes the right file", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    await expectRefused(added.id, await put(added.uploadUrl!, Buffer.alloc(0), "application/pdf"), 400);
    await expectRefused(added.id, await put(added.uploadUrl!, Buffer.alloc(0), "text/plain"), 400);
    const bytes = pdfBytes(20);
    const retry = await put(added.uploadUrl!, bytes, "application/pdf");
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { sha256: string }).sha256).toBe(sha256(bytes));
  });

  test("an HTML page sent as a PDF is refused (415 on body), nothing is kept, and the URL still takes the real PDF", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const html = Buffer.from(`<!DOCTYPE html><html><body>${"<p>Not a PDF</p>".repeat(2000)}</body></html>`);
    await expectRefused(added.id, await put(added.uploadUrl!, html, "application/pdf"), 415);
    const events = await server.db.query(`SELECT count(*)::int AS n FROM case_event WHERE subject_id = $1 AND type = 'RECORD_UPLOADED'`, [added.id]);
    expect(events[0].n).toBe(0);
    const bytes = pdfBytes(20);
    expect((await put(added.uploadUrl!, bytes, "application/pdf")).status).toBe(201);
    expect(await recordOf(f.coordinator.token, caseId, added.id)).toMatchObject({ contentType: "application/pdf", sha256: sha256(bytes) });
  });

  const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);
  const withTail = (head: Buffer) => Buffer.concat([head, crypto.randomBytes(2048)]);
  const text = (value: string) => Buffer.from(value, "utf8");
  test.each([
    ["application/pdf", 201, pdfBytes(2)],
    ["image/png", 201, withTail(PNG)],
    ["image/jpeg", 201, withTail(JPEG)],
    ["image/tiff", 201, withTail(Buffer.from([0x49, 0x49, 0x2a, 0x00]))],
    ["image/tiff", 201, withTail(Buffer.from([0x4d, 0x4d, 0x00, 0x2a]))],
    ["application/dicom", 201, withTail(DICOM_HEAD)],
    ["text/plain", 201, text("BMI 24.5, ECOG 1. Plain clinical note, with accents: é, 中文.\n")],
    ["text/plain", 201, text("\ufeffA note saved with a byte order mark.\n")],
    ["image/png", 415, withTail(JPEG)],
    ["image/jpeg", 415, withTail(PNG)],
    ["application/pdf", 415, text("Just text, no PDF")],
    ["application/dicom", 415, withTail(Buffer.concat([Buffer.alloc(128), Buffer.from("NOPE")]))],
    ["application/dicom", 415, Buffer.from("DICM")],
    ["image/tiff", 415, withTail(PNG)],
    ["text/plain", 415, pdfBytes(2)],
    ["text/plain", 415, withTail(PNG)],
    ["text/plain", 415, Buffer.from("a note with a NUL \u0000 inside")],
    ["text/plain", 415, Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x20, 0x6e, 0x6f, 0x74, 0x65])],
  ] as Array<[string, number, Buffer]>)("%s, sample %#: answers %d", async (contentType, status, bytes) => {
    const added = await addRecord(f.coordinator.token, caseId);
    const response = await put(added.uploadUrl!, bytes, contentType);
    if (status === 201) {
      expect(response.status).toBe(201);
      expect(((await response.json()) as { sha256: string }).sha256).toBe(sha256(bytes));
    } else {
      await expectRefused(added.id, response, status);
    }
  });

  test("text that stops being UTF-8 deep into the body is refused as it streams, and its partial file removed", async () => {
    const added = await addRecord(f.coordinator.token, caseId);
    const body = Buffer.concat([Buffer.alloc(3 * MB, 0x61), Buffer.from([0xff, 0xfe]), Buffer.alloc(MB, 0x61)]);
    await expectRefused(added.id, await put(added.uploadUrl!, body, "text/plain"), 415);
    expect(fs.readdirSync(documentsDir()).some((name) => name.endsWith(".part"))).toBe(false);
  });

  test("a record counts for the records gate and recordCount only once its bytes arrived", async () => {
    const fresh = await openCase(f.patient.patientId);
    const countQuery = `query($id: ID!) { case(id: $id) { version recordCount records { id } } }`;
    const move = async () => {
      const { version } = ok(await server.gql(countQuery, { id: fresh }, f.coordinator.token)).case;
      return server.gql(`mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: CASE_ORGANISATION, expectedVersion: $v) { status } }`, { id: fresh, v: version }, f.coordinator.token);
    };
    const added = await addRecord(f.coordinator.token, fresh);
    await put(added.uploadUrl!, Buffer.alloc(0), "application/pdf");
    for (const token of [f.coordinator.token, f.patient.token]) {
      expect(ok(await server.gql(countQuery, { id: fresh }, token)).case).toMatchObject({ recordCount: 0, records: [{ id: added.id }] });
    }
    const refused = failure(await move());
    expect(refused).toMatchObject({ code: "TRANSITION_NOT_ALLOWED", extensions: { missing: ["MEDICAL_RECORD"] } });

    expect((await put(added.uploadUrl!, pdfBytes(4), "application/pdf")).status).toBe(201);
    for (const token of [f.coordinator.token, f.patient.token]) expect(ok(await server.gql(countQuery, { id: fresh }, token)).case.recordCount).toBe(1);
    expect(ok(await move()).transitionCase.status).toBe("CASE_ORGANISATION");
  });
});

describe("downloading a document", () => {
  let caseId: string;
  let bytes: Buffer;
  let record: RecordView;
  // Titles may carry details the file name must not repeat (identifiers themselves are refused on save).
  const title = "CT report Toronto General 2026";

  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
    bytes = pdfBytes(400);
    record = await uploadedRecord(f.coordinator.token, caseId, bytes, title);
  });

  test("the download URL serves the exact bytes once, with safe headers", async () => {
    const url = (await recordOf(f.coordinator.token, caseId, record.id))!.downloadUrl!;
    expect(url).toMatch(new RegExp(`^${server.runtime.publicUrl}/documents/download/`));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const received = Buffer.from(await response.arrayBuffer());
    expect(received.length).toBe(bytes.length);
    expect(received.equals(bytes)).toBe(true);
    expect(sha256(received)).toBe(record.sha256);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("cache-control")).toBe("no-store");
    const disposition = response.headers.get("content-disposition") ?? "";
    expect(disposition).toMatch(/^attachment; filename="[^"]+\.pdf"$/);
    expect(disposition).not.toContain("Toronto");
    expect(disposition).not.toContain("CT report");

    const again = await fetch(url);
    expect(again.status).toBe(404);
    expect(Buffer.from(await again.arrayBuffer()).includes(bytes.subarray(0, 64))).toBe(false);
  });

  test("HEAD answers the headers without the bytes and does not spend the URL", async () => {
    const url = (await recordOf(f.coordinator.token, caseId, record.id))!.downloadUrl!;
    for (let i = 0; i < 2; i++) {
      const head = await fetch(url, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe("application/pdf");
      expect(head.headers.get("content-length")).toBe(String(bytes.length));
      expect(head.headers.get("x-content-sha256")).toBe(record.sha256);
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    }
    const [{ n: downloads }] = await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'DOWNLOAD_DOCUMENT' AND object_id = $1`, [record.id]);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    const [{ n: after }] = await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE action = 'DOWNLOAD_DOCUMENT' AND object_id = $1`, [record.id]);
    expect(after).toBe(downloads + 1);
    // Spent by the GET: HEAD now answers 404 too.
    expect((await fetch(url, { method: "HEAD" })).status).toBe(404);
  });

  test("the patient who owns the case downloads it too", async () => {
    const url = (await recordOf(f.patient.token, caseId, record.id))!.downloadUrl!;
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test("a tampered token answers 404", async () => {
    const url = (await recordOf(f.coordinator.token, caseId, record.id))!.downloadUrl!;
    const token = url.slice(url.lastIndexOf("/") + 1);
    const [header, payload, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString("base64url");
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    for (const tampered of [`${header}.${forgedPayload}.${signature}`, `${header}.${payload}.${flipped}`, "not-a-token"]) {
      const response = await fetch(`${server.url}/documents/download/${tampered}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ code: "NOT_FOUND" });
    }
    // An upload token is not a download token, even for the same record.
    const uploadToken = await signDocumentToken(server.runtime.jwtSecret, "upload", record.id, f.coordinator.userId);
    expect((await fetch(`${server.url}/documents/download/${uploadToken}`)).status).toBe(404);
    // The untampered URL still works: the failures above did not spend it.
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test("the bytes on disk are encrypted", async () => {
    const dir = documentsDir();
    const files = fs.readdirSync(dir).filter((name) => name.startsWith(record.id));
    expect(files).toHaveLength(1);
    const stored = fs.readFileSync(path.join(dir, files[0]));
    expect(stored.length).toBeGreaterThanOrEqual(bytes.length - 64);
    expect(stored.includes(Buffer.from("MERIDIAN-PLAINTEXT-MARKER"))).toBe(false);
    expect(stored.includes(Buffer.from("%PDF-1.4"))).toBe(false);
    expect(stored.includes(bytes.subarray(2000, 2256))).toBe(false);
    // And no file in the store carries the marker.
    for (const name of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, name)).includes(Buffer.from("MERIDIAN-PLAINTEXT-MARKER"))).toBe(false);
    }
  });
});

describe("reviewers and documents", () => {
  let caseId: string;
  let shared: RecordView;
  let unshared: RecordView;
  let sharedBytes: Buffer;
  let consentId: string;
  let assignmentId: string;

  const REVIEWER_RECORDS = `query($id: ID!) { case(id: $id) { id recordCount records { id sharedWithReviewers downloadUrl uploadUrl } } }`;

  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
    sharedBytes = pdfBytes(120);
    shared = await uploadedRecord(f.coordinator.token, caseId, sharedBytes, "Redacted pathology");
    unshared = await uploadedRecord(f.coordinator.token, caseId, pdfBytes(80), "Unredacted letter");
  });

  test("sharing needs redactionConfirmed: true", async () => {
    const refused = failure(await server.gql(SHARE, { id: shared.id, ok: false }, f.coordinator.token));
    expect(refused.code).toBe("BAD_USER_INPUT");
    expect(refused.extensions.field).toBe("redactionConfirmed");
    expect((await recordOf(f.coordinator.token, caseId, shared.id))!.sharedWithReviewers).toBe(false);

    const done = ok(await server.gql(SHARE, { id: shared.id, ok: true }, f.coordinator.token));
    expect(done.shareRecordWithReviewers).toEqual({ id: shared.id, sharedWithReviewers: true });
  });

  test("an accepted reviewer sees and downloads only the shared records", async () => {
    // Consent first: an invitation the patient's consent does not cover is refused.
    const consent = ok(
      await server.gql(
        `mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id active } }`,
        { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } },
        f.patient.token,
      ),
    );
    consentId = consent.recordConsent.id;
    const invited = ok(
      await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id status } }`, { c: caseId, r: f.reviewerEn.reviewerId }, f.coordinator.token),
    );
    assignmentId = invited.inviteReviewer.id;

    // Invited, not yet accepted: no records.
    const whileInvited = ok(await server.gql(REVIEWER_RECORDS, { id: caseId }, f.reviewerEn.token));
    expect(whileInvited.case.records).toEqual([]);

    const accepted = ok(await server.gql(`mutation($a: ID!) { respondToInvitation(assignmentId: $a, accept: true) { status } }`, { a: assignmentId }, f.reviewerEn.token));
    expect(accepted.respondToInvitation.status).toBe("ACCEPTED");

    const seen = ok(await server.gql(REVIEWER_RECORDS, { id: caseId }, f.reviewerEn.token)).case.records;
    expect(seen.map((r: RecordView) => r.id)).toEqual([shared.id]);
    expect(seen[0].sharedWithReviewers).toBe(true);
    expect(seen[0].uploadUrl).toBeNull();
    expect(seen[0].downloadUrl).toMatch(/\/documents\/download\//);

    const response = await fetch(seen[0].downloadUrl);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(sharedBytes)).toBe(true);

    // A validly signed URL for the unshared record, in the reviewer's name, is still refused.
    const forged = await signDocumentToken(server.runtime.jwtSecret, "download", unshared.id, f.reviewerEn.userId);
    const refused = await fetch(`${server.url}/documents/download/${forged}`);
    expect(refused.status).toBe(404);
    expect(Buffer.from(await refused.arrayBuffer()).length).toBeLessThan(100);

    // A reviewer not on the case gets nothing either.
    const outsider = await signDocumentToken(server.runtime.jwtSecret, "download", shared.id, f.reviewerZh.userId);
    expect((await fetch(`${server.url}/documents/download/${outsider}`)).status).toBe(404);
    expect(failure(await server.gql(REVIEWER_RECORDS, { id: caseId }, f.reviewerZh.token)).code).toBe("NOT_FOUND");
  });

  test("after the patient revokes consent, a URL issued earlier answers 404", async () => {
    const seen = ok(await server.gql(REVIEWER_RECORDS, { id: caseId }, f.reviewerEn.token)).case.records;
    const issuedEarlier: string = seen[0].downloadUrl;
    expect(issuedEarlier).toBeTruthy();

    ok(await server.gql(`mutation($id: ID!) { revokeConsent(id: $id) { id active } }`, { id: consentId }, f.patient.token));

    const response = await fetch(issuedEarlier);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: "NOT_FOUND" });
    expect(failure(await server.gql(REVIEWER_RECORDS, { id: caseId }, f.reviewerEn.token)).code).toBe("NOT_FOUND");
    // Staff still download it.
    const staffUrl = (await recordOf(f.coordinator.token, caseId, shared.id))!.downloadUrl!;
    expect((await fetch(staffUrl)).status).toBe(200);
  });
});

describe("editing and unsharing records", () => {
  const UPDATE = `mutation($id: ID!, $input: UpdateMedicalRecordInput!) { updateMedicalRecord(id: $id, input: $input) { id title kind } }`;
  const UNSHARE = `mutation($id: ID!) { unshareRecord(id: $id) { id sharedWithReviewers } }`;
  const events = async (recordId: string, type: string) =>
    (await server.db.query(`SELECT count(*)::int AS n FROM case_event WHERE subject_id = $1 AND type = $2`, [recordId, type]))[0].n as number;
  const audits = async (recordId: string, action: string) =>
    (await server.db.query(`SELECT count(*)::int AS n FROM audit_entry WHERE object_id = $1 AND action = $2 AND outcome = 'ALLOWED'`, [recordId, action]))[0].n as number;
  let caseId: string;
  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
  });

  test("a coordinator edits a record's title and kind (event, audit); identifiers in the title are refused", async () => {
    const record = await addRecord(f.coordinator.token, caseId, "Pathology");
    const edited = ok(await server.gql(UPDATE, { id: record.id, input: { title: "  Core biopsy pathology ", kind: "IMAGING_REPORT" } }, f.coordinator.token)).updateMedicalRecord;
    expect(edited).toEqual({ id: record.id, title: "Core biopsy pathology", kind: "IMAGING_REPORT" });
    expect(await events(record.id, "RECORD_UPDATED")).toBe(1);
    expect(await audits(record.id, "UPDATE_RECORD")).toBe(1);

    const refused = failure(await server.gql(UPDATE, { id: record.id, input: { title: "Holloway biopsy" } }, f.coordinator.token));
    expect(refused).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.title" } });
    expect(failure(await server.gql(UPDATE, { id: record.id, input: {} }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input" } });
    expect(failure(await server.gql(UPDATE, { id: record.id, input: { title: "   " } }, f.coordinator.token))).toMatchObject({ code: "BAD_USER_INPUT", extensions: { field: "input.title" } });
    // Nothing changed by the refusals, and a no-op edit writes no event.
    ok(await server.gql(UPDATE, { id: record.id, input: { kind: "IMAGING_REPORT" } }, f.coordinator.token));
    expect((await recordOf(f.coordinator.token, caseId, record.id))!.title).toBe("Core biopsy pathology");
    expect(await events(record.id, "RECORD_UPDATED")).toBe(1);
  });

  test("a patient edits the records they added while the case is open, not the coordinator's; others get NOT_FOUND", async () => {
    const own = await addRecord(f.patient.token, caseId, "My scan");
    const coordinators = await addRecord(f.coordinator.token, caseId, "Coordinator's record");
    expect(ok(await server.gql(UPDATE, { id: own.id, input: { title: "My CT scan" } }, f.patient.token)).updateMedicalRecord.title).toBe("My CT scan");
    expect(failure(await server.gql(UPDATE, { id: coordinators.id, input: { title: "Mine now" } }, f.patient.token)).code).toBe("FORBIDDEN");
    expect(failure(await server.gql(UPDATE, { id: own.id, input: { title: "Not mine" } }, f.otherPatient.token)).code).toBe("NOT_FOUND");
    expect(failure(await server.gql(UPDATE, { id: own.id, input: { title: "Reviewer" } }, f.reviewerEn.token)).code).toBe("FORBIDDEN");

    const closing = await openCase(f.patient.patientId);
    const late = await addRecord(f.patient.token, closing, "Late record");
    const version = ok(await server.gql(`query($id: ID!) { case(id: $id) { version } }`, { id: closing }, f.coordinator.token)).case.version;
    ok(await server.gql(`mutation($id: ID!, $v: Int!) { transitionCase(id: $id, to: WITHDRAWN, expectedVersion: $v) { status } }`, { id: closing, v: version }, f.patient.token));
    expect(failure(await server.gql(UPDATE, { id: late.id, input: { title: "After withdrawal" } }, f.patient.token)).code).toBe("BAD_USER_INPUT");
  });

  test("unsharing hides the record from reviewers, and a download URL issued before stops working", async () => {
    const reviewed = await openCase(f.patient.patientId);
    const bytes = pdfBytes(10);
    const record = await uploadedRecord(f.coordinator.token, reviewed, bytes, "Redacted imaging");
    ok(await server.gql(SHARE, { id: record.id, ok: true }, f.coordinator.token));
    ok(await server.gql(`mutation($input: RecordConsentInput!) { recordConsent(input: $input) { id } }`, { input: { patientId: f.patient.patientId, scope: "CROSS_BORDER_REVIEW", destinationCountries: ["CN"] } }, f.coordinator.token));
    const invited = ok(await server.gql(`mutation($c: ID!, $r: ID!) { inviteReviewer(caseId: $c, reviewerId: $r) { id } }`, { c: reviewed, r: f.reviewerZh.reviewerId }, f.coordinator.token));
    ok(await server.gql(`mutation($a: ID!) { respondToInvitation(assignmentId: $a, accept: true) { status } }`, { a: invited.inviteReviewer.id }, f.reviewerZh.token));
    const issued = (await recordOf(f.reviewerZh.token, reviewed, record.id))!.downloadUrl!;
    expect(issued).toBeTruthy();

    expect(failure(await server.gql(UNSHARE, { id: record.id }, f.reviewerZh.token)).code).toBe("FORBIDDEN");
    expect(ok(await server.gql(UNSHARE, { id: record.id }, f.coordinator.token)).unshareRecord).toEqual({ id: record.id, sharedWithReviewers: false });
    expect(await events(record.id, "RECORD_UNSHARED")).toBe(1);
    expect(await audits(record.id, "UNSHARE_RECORD")).toBe(1);

    expect(await recordsOf(f.reviewerZh.token, reviewed)).toEqual([]);
    const refused = await fetch(issued);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ code: "NOT_FOUND" });
    // Unsharing again changes nothing; staff still download; sharing again works.
    ok(await server.gql(UNSHARE, { id: record.id }, f.coordinator.token));
    expect(await events(record.id, "RECORD_UNSHARED")).toBe(1);
    expect((await fetch((await recordOf(f.coordinator.token, reviewed, record.id))!.downloadUrl!)).status).toBe(200);
    ok(await server.gql(SHARE, { id: record.id, ok: true }, f.coordinator.token));
    const again = await fetch((await recordOf(f.reviewerZh.token, reviewed, record.id))!.downloadUrl!);
    expect(again.status).toBe(200);
    expect(Buffer.from(await again.arrayBuffer()).equals(bytes)).toBe(true);
  });
});

describe("patients and their records", () => {
  let caseId: string;
  beforeAll(async () => {
    caseId = await openCase(f.patient.patientId);
  });

  test("a patient adds a record to their own case and uploads it", async () => {
    const added = await addRecord(f.patient.token, caseId, "My discharge summary");
    expect(added.uploadUrl).toMatch(/\/documents\/upload\//);
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64 * 1024)]);
    const response = await put(added.uploadUrl!, bytes, "image/png");
    expect(response.status).toBe(201);
    expect(((await response.json()) as { sha256: string }).sha256).toBe(sha256(bytes));

    const asCoordinator = await recordOf(f.coordinator.token, caseId, added.id);
    expect(asCoordinator).toMatchObject({ contentType: "image/png", sizeBytes: bytes.length, sha256: sha256(bytes), uploadUrl: null });
    const download = await fetch(asCoordinator!.downloadUrl!);
    expect(download.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  test("another patient can neither add a record to the case nor use its upload URL", async () => {
    const before = await server.db.query(`SELECT count(*)::int AS n FROM medical_record WHERE case_id = $1`, [caseId]);
    const refused = failure(await server.gql(ADD_RECORD, { input: { caseId, kind: "OTHER", title: "Not mine", language: "EN" } }, f.otherPatient.token));
    expect(refused.code).toBe("NOT_FOUND");
    const missing = failure(await server.gql(ADD_RECORD, { input: { caseId: crypto.randomUUID(), kind: "OTHER", title: "Nowhere", language: "EN" } }, f.otherPatient.token));
    expect(missing).toMatchObject({ code: refused.code, message: refused.message });
    const after = await server.db.query(`SELECT count(*)::int AS n FROM medical_record WHERE case_id = $1`, [caseId]);
    expect(after[0].n).toBe(before[0].n);

    const added = await addRecord(f.patient.token, caseId, "Mine");
    const stolen = await signDocumentToken(server.runtime.jwtSecret, "upload", added.id, f.otherPatient.userId);
    const response = await put(`${server.url}/documents/upload/${stolen}`, pdfBytes(4), "application/pdf");
    expect(response.status).toBe(404);
    expect((await recordOf(f.patient.token, caseId, added.id))!.sha256).toBeNull();
  });
});
