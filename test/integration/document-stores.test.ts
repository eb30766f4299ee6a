/**
 * One suite, both document stores (files under the data directory, chunks in PostgreSQL):
 * round trips (several chunks), refusals and aborts that leave nothing, removal, the integrity
 * check, the partial sweep; then, over HTTP, a tampered document answers DOCUMENT_CORRUPT with
 * no byte of it sent, the fault is logged, and an erasure leaves nothing of the patient's in the store.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { DataSource } from "typeorm";
import { createKeyRing } from "../../server/auth/field-crypto";
import { createDataSource } from "../../server/db/data-source";
import { PayloadTooLargeError } from "../../server/errors";
import { createFileBackend, createDocumentStore, documentFile, DocumentCorruptError, type DocumentStore, type StoredDocument } from "../../server/records/document-store";
import { CHUNK_BYTES, createPostgresBackend } from "../../server/records/postgres-document-store";
import { createTestDatabase } from "../support/database";
import { createFixtures } from "../support/fixtures";
import { ok, startTestServer } from "../support/server";

type Kind = "fs" | "postgres";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: DataSource;
let root: string;
const keyRing = createKeyRing(crypto.randomBytes(32).toString("base64"));

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDataSource({ url: database.url });
  await db.initialize();
  root = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-stores-"));
});

afterAll(async () => {
  await db.destroy();
  await database.drop();
  fs.rmSync(root, { recursive: true, force: true });
});

/** What each store keeps, in its own terms: file names, or distinct chunk keys. */
const storedKeys: Record<Kind, () => Promise<string[]>> = {
  fs: async () => fs.readdirSync(path.join(root, "documents")).sort(),
  postgres: async () => ((await db.query(`SELECT DISTINCT key FROM document_chunk ORDER BY key`)) as Array<{ key: string }>).map((r) => r.key),
};

/** Flips one bit of the stored (encrypted) bytes at `offset`. */
const tamper: Record<Kind, (key: string, offset: number, dbOf?: DataSource, rootOf?: string) => Promise<void>> = {
  async fs(key, offset, _db, rootOf = root) {
    const file = documentFile(path.join(rootOf, "documents"), key);
    const bytes = fs.readFileSync(file);
    bytes[offset] ^= 1;
    fs.writeFileSync(file, bytes);
  },
  async postgres(key, offset, dbOf = db) {
    const seq = Math.floor(offset / CHUNK_BYTES);
    const at = offset % CHUNK_BYTES;
    await dbOf.query(`UPDATE document_chunk SET bytes = set_byte(bytes, $3, get_byte(bytes, $3) # 1) WHERE key = $1 AND seq = $2`, [key, seq, at]);
  },
};

const storeOf = (kind: Kind): DocumentStore =>
  createDocumentStore(kind === "fs" ? createFileBackend(path.join(root, "documents")) : createPostgresBackend(db), keyRing);

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A source that sends `bytes` in small pieces, then fails as a cut-off client does. */
function abortingSource(bytes: Buffer): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes.length) return void this.destroy(new Error("the upload was aborted"));
      this.push(bytes.subarray(sent, sent + 64 * 1024));
      sent += 64 * 1024;
    },
  });
}

describe.each<Kind>(["fs", "postgres"])("the %s document store", (kind) => {
  let store: DocumentStore;
  const written: StoredDocument[] = [];
  const key = () => `${crypto.randomUUID()}-${crypto.randomUUID()}`;

  beforeAll(() => {
    store = storeOf(kind);
  });

  afterEach(async () => {
    for (const document of written.splice(0)) await store.remove(document.storage);
    expect(await storedKeys[kind]()).toEqual([]);
  });

  test("a document of several chunks comes back byte for byte, hashed and sized", async () => {
    const bytes = crypto.randomBytes(CHUNK_BYTES * 2 + 12345);
    const stored = await store.write(key(), Readable.from([bytes.subarray(0, 100_000), bytes.subarray(100_000)]), bytes.length);
    written.push(stored);
    expect(stored.sizeBytes).toBe(bytes.length);
    expect(stored.sha256).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
    expect(await storedKeys[kind]()).toEqual([kind === "fs" ? stored.storage.key.replace(/[^a-zA-Z0-9-]/g, "") : stored.storage.key]);
    expect((await readAll(store.read(stored.storage))).equals(bytes)).toBe(true);
    await expect(store.verify(stored.storage)).resolves.toBeUndefined();
    if (kind === "postgres") expect((await db.query(`SELECT count(*)::int AS n FROM document_chunk WHERE key = $1`, [stored.storage.key]))[0].n).toBe(3);
  });

  test("an empty document round-trips", async () => {
    const stored = await store.write(key(), Readable.from([]), 10);
    written.push(stored);
    expect(stored.sizeBytes).toBe(0);
    expect((await readAll(store.read(stored.storage))).length).toBe(0);
  });

  test("a document over the limit is refused and leaves nothing", async () => {
    const bytes = crypto.randomBytes(CHUNK_BYTES * 3);
    await expect(store.write(key(), Readable.from([bytes]), CHUNK_BYTES * 2)).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(await storedKeys[kind]()).toEqual([]);
  });

  test("an upload aborted mid-write leaves nothing", async () => {
    await expect(store.write(key(), abortingSource(crypto.randomBytes(CHUNK_BYTES * 2)), CHUNK_BYTES * 4)).rejects.toThrow("aborted");
    expect(await storedKeys[kind]()).toEqual([]);
  });

  test("a removed document is gone and reads fail", async () => {
    const stored = await store.write(key(), Readable.from([Buffer.from("hello")]), 10);
    await store.remove(stored.storage);
    expect(await storedKeys[kind]()).toEqual([]);
    await expect(readAll(store.read(stored.storage))).rejects.toMatchObject({ code: "ENOENT" });
    await store.remove(stored.storage);
  });

  test.each([0, CHUNK_BYTES + 7])("a byte altered at %d fails the integrity check, before and while reading", async (offset) => {
    const stored = await store.write(key(), Readable.from([crypto.randomBytes(CHUNK_BYTES * 2)]), CHUNK_BYTES * 2);
    written.push(stored);
    await tamper[kind](stored.storage.key, offset);
    await expect(store.verify(stored.storage)).rejects.toBeInstanceOf(DocumentCorruptError);
    await expect(readAll(store.read(stored.storage))).rejects.toThrow(/authenticate/);
  });

  test("partial writes left by a crash are swept once old enough, complete documents never", async () => {
    const stored = await store.write(key(), Readable.from([Buffer.from("kept")]), 10);
    written.push(stored);
    const partial = `${key()}.${crypto.randomUUID()}.part`;
    if (kind === "fs") fs.writeFileSync(path.join(root, "documents", partial), "half");
    else await db.query(`INSERT INTO document_chunk (key, seq, bytes, written_at) VALUES ($1, 0, '\\x00', now() - interval '1 hour')`, [partial]);
    expect(await store.sweepPartials(60 * 60 * 1000 * 2)).toBe(0);
    if (kind === "fs") fs.utimesSync(path.join(root, "documents", partial), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    expect(await store.sweepPartials(60_000)).toBe(1);
    expect((await readAll(store.read(stored.storage))).toString()).toBe("kept");
  });
});

describe.each<Kind>(["fs", "postgres"])("documents served from the %s store", (kind) => {
  test("a tampered download (or export) answers DOCUMENT_CORRUPT before any byte and is logged as an integrity fault; an erasure empties the store", async () => {
    const lines: string[] = [];
    const server = await startTestServer({ documentStore: kind, logLevel: "info" }, { onLog: (line) => lines.push(line) });
    try {
      const f = await createFixtures(server, `tamper${kind}`);
      const caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason: "Second look" } }, f.coordinator.token)).openCase.id;
      const addRecord = async () =>
        ok(await server.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Biopsy", language: "EN" } }, f.coordinator.token)).addMedicalRecord;
      const body = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(CHUNK_BYTES * 2)]);
      const records = [await addRecord(), await addRecord()];
      for (const record of records) expect((await fetch(record.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body })).status).toBe(201);
      const rows: Array<{ id: string; key: string }> = await server.db.query(`SELECT id, storage->>'key' AS key FROM medical_record WHERE case_id = $1`, [caseId]);
      expect(await storedCount(kind, server.db, server.config.dataDir)).toBe(2);
      const tampered = rows.find((row) => row.id === records[0].id)!;
      // Near the end: a check made only while streaming would have sent most of the document by then.
      await tamper[kind](tampered.key, body.length - 10, server.db, server.config.dataDir);
      const urls = ok(await server.gql(`query($id: ID!) { case(id: $id) { records { id downloadUrl } } }`, { id: caseId }, f.coordinator.token)).case.records as Array<{ id: string; downloadUrl: string }>;

      const bad = await fetch(urls.find((r) => r.id === tampered.id)!.downloadUrl);
      expect(bad.status).toBe(500);
      expect(bad.headers.get("content-type")).toMatch(/application\/json/);
      expect(await bad.json()).toEqual({ code: "DOCUMENT_CORRUPT" });
      const fault = lines.map((line) => JSON.parse(line)).find((entry) => /integrity fault/.test(entry.msg));
      expect(fault).toMatchObject({ level: 50, key: tampered.key });

      // The patient's export holds that document too: it fails the same way, before any byte of the archive.
      const exportUrl = ok(await server.gql(`mutation($p: ID!) { exportPatientFile(patientId: $p) }`, { p: f.patient.patientId }, f.coordinator.token)).exportPatientFile;
      const exported = await fetch(exportUrl);
      expect(exported.status).toBe(500);
      expect(await exported.json()).toEqual({ code: "DOCUMENT_CORRUPT" });

      const good = await fetch(urls.find((r) => r.id !== tampered.id)!.downloadUrl);
      expect(good.status).toBe(200);
      expect(Buffer.from(await good.arrayBuffer()).equals(body)).toBe(true);

      // The erasure removes through the store: nothing of the patient's documents is left in it.
      expect(ok(await server.gql(`mutation($p: ID!) { requestErasure(patientId: $p) }`, { p: f.patient.patientId }, f.patient.token)).requestErasure).toBe(true);
      expect(await storedCount(kind, server.db, server.config.dataDir)).toBe(0);
    } finally {
      await server.close();
    }
  });
});

async function storedCount(kind: Kind, dbOf: DataSource, dataDir: string): Promise<number> {
  if (kind === "fs") return fs.readdirSync(path.join(dataDir, "documents")).length;
  return Number((await dbOf.query(`SELECT count(DISTINCT key) AS n FROM document_chunk`))[0].n);
}
