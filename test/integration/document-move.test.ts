/**
 * Moving documents between the stores: every record's bytes end up in the target as stored
 * (descriptor unchanged, still readable), the source is emptied, a second run moves nothing,
 * a run cut after its copy is finished by the next, a corrupt source is left in place, and
 * the server keeps serving downloads throughout (it reads the other store for what has not moved).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { moveDocuments } from "../../server/records/document-move";
import { createDocumentStore, createFileBackend, documentFile, type DocumentBackend } from "../../server/records/document-store";
import { createPostgresBackend } from "../../server/records/postgres-document-store";
import { createFixtures, type Fixtures } from "../support/fixtures";
import { ok, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;
let caseId: string;
let files: DocumentBackend;
let database: DocumentBackend;
const bodies = new Map<string, Buffer>();

async function upload(): Promise<string> {
  const added = ok(await server.gql(`mutation($input: AddMedicalRecordInput!) { addMedicalRecord(input: $input) { id uploadUrl } }`, { input: { caseId, kind: "PATHOLOGY_REPORT", title: "Scan", language: "EN" } }, f.coordinator.token)).addMedicalRecord;
  const body = Buffer.concat([Buffer.from("%PDF-1.4\n"), crypto.randomBytes(300 * 1024)]);
  expect((await fetch(added.uploadUrl, { method: "PUT", headers: { "content-type": "application/pdf" }, body })).status).toBe(201);
  bodies.set(added.id, body);
  return added.id;
}

async function download(recordId: string): Promise<Buffer> {
  const records = ok(await server.gql(`query($id: ID!) { case(id: $id) { records { id downloadUrl } } }`, { id: caseId }, f.coordinator.token)).case.records as Array<{ id: string; downloadUrl: string }>;
  const response = await fetch(records.find((r) => r.id === recordId)!.downloadUrl);
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

const keyOf = async (recordId: string): Promise<string> => (await server.db.query(`SELECT storage->>'key' AS key FROM medical_record WHERE id = $1`, [recordId]))[0].key;
const fileCount = () => fs.readdirSync(path.join(server.config.dataDir, "documents")).length;
const chunkedCount = async () => Number((await server.db.query(`SELECT count(DISTINCT key) AS n FROM document_chunk`))[0].n);

beforeAll(async () => {
  server = await startTestServer({ documentStore: "fs" });
  f = await createFixtures(server, "move");
  caseId = ok(await server.gql(`mutation($input: OpenCaseInput!) { openCase(input: $input) { id } }`, { input: { patientId: f.patient.patientId, reason: "Second look" } }, f.coordinator.token)).openCase.id;
  files = createFileBackend(path.join(server.config.dataDir, "documents"));
  database = createPostgresBackend(server.db);
  for (let i = 0; i < 3; i += 1) await upload();
});

afterAll(() => server.close());

test("to postgres and back: every document moves as stored, stays readable, and the source empties", async () => {
  expect(fileCount()).toBe(3);
  const keyRing = server.runtime.keyRing;
  const descriptors = await server.db.query(`SELECT id, storage FROM medical_record WHERE storage IS NOT NULL ORDER BY id`);

  // Cut after its copy: one document sits in both stores.
  const [first] = [...bodies.keys()];
  const firstKey = await keyOf(first);
  await database.put(firstKey, files.get(firstKey));

  const toPostgres = await moveDocuments(server.db, keyRing, files, database);
  expect(toPostgres).toEqual({ moved: 3, alreadyThere: 0, missing: [], corrupt: [] });
  expect(fileCount()).toBe(0);
  expect(await chunkedCount()).toBe(3);
  expect(await server.db.query(`SELECT id, storage FROM medical_record WHERE storage IS NOT NULL ORDER BY id`)).toEqual(descriptors);
  // The server, still configured for files, reads them from the database now.
  for (const [id, body] of bodies) expect((await download(id)).equals(body)).toBe(true);
  const postgresOnly = createDocumentStore(database, keyRing);
  for (const { storage } of descriptors) await expect(postgresOnly.verify(storage)).resolves.toBeUndefined();

  expect(await moveDocuments(server.db, keyRing, files, database)).toEqual({ moved: 0, alreadyThere: 3, missing: [], corrupt: [] });

  // A document uploaded meanwhile went to the configured (file) store: the next run takes it too.
  const late = await upload();
  expect(await moveDocuments(server.db, keyRing, files, database)).toEqual({ moved: 1, alreadyThere: 3, missing: [], corrupt: [] });
  expect((await download(late)).equals(bodies.get(late)!)).toBe(true);

  const toFiles = await moveDocuments(server.db, keyRing, database, files);
  expect(toFiles).toEqual({ moved: 4, alreadyThere: 0, missing: [], corrupt: [] });
  expect(await chunkedCount()).toBe(0);
  expect(fileCount()).toBe(4);
  for (const [id, body] of bodies) expect((await download(id)).equals(body)).toBe(true);
});

test("a document whose source fails its integrity check stays where it is; one in neither store is reported", async () => {
  const [tampered, lost] = [await upload(), await upload()];
  const file = documentFile(path.join(server.config.dataDir, "documents"), await keyOf(tampered));
  const bytes = fs.readFileSync(file);
  bytes[20] ^= 1;
  fs.writeFileSync(file, bytes);
  await files.delete(await keyOf(lost));
  const before = await chunkedCount();

  const result = await moveDocuments(server.db, server.runtime.keyRing, files, database);
  expect(result.corrupt).toEqual([tampered]);
  expect(result.missing).toEqual([lost]);
  expect(fs.existsSync(file)).toBe(true);
  expect(await database.has(await keyOf(tampered))).toBe(false);
  expect(await chunkedCount()).toBe(before + result.moved);
});

test("a record erased while its copy was made leaves no copy behind", async () => {
  const id = await upload();
  const key = await keyOf(id);
  // The erasure commits between the copy and the removal of the source: the record no longer refers to the bytes.
  const racing: DocumentBackend = {
    ...database,
    put: async (k, source) => {
      await database.put(k, source);
      if (k === key) await server.db.query(`UPDATE medical_record SET storage = NULL, uploaded_at = NULL, size_bytes = NULL, sha256 = NULL, content_type = NULL WHERE id = $1`, [id]);
    },
  };
  await moveDocuments(server.db, server.runtime.keyRing, files, racing);
  expect(await database.has(key)).toBe(false);
  expect(await files.has(key)).toBe(false);
});
