import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { backup, tableChecksum, tablesInDependencyOrder } from "../../server/db/backup";
import { restore } from "../../server/db/restore";
import { moveDocuments } from "../../server/records/document-move";
import { createFileBackend } from "../../server/records/document-store";
import { createPostgresBackend } from "../../server/records/postgres-document-store";
import { CaseBuilder } from "../support/case-builder";
import { createEmptyDatabase } from "../support/database";
import { createFixtures, PASSWORD, type Fixtures } from "../support/fixtures";
import { ok, startServerOn, startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let f: Fixtures;
let build: CaseBuilder;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "meridian-backup-"));
const passphrase = "correct horse battery staple, backup edition";
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  server = await startTestServer();
  f = await createFixtures(server, "bak");
  build = new CaseBuilder(server, f.coordinator.token);
  for (let i = 0; i < 4; i++) {
    const caseId = await build.openCase(f.patient.patientId);
    await build.addRecord(caseId, { body: `Redacted report number ${i}: ${"x".repeat(5000 * i)}` });
    await build.move(caseId, "CASE_ORGANISATION");
  }
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  await server.close();
  fs.rmSync(work, { recursive: true, force: true });
});

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/** Count and md5 of every table, keyed by table name. */
const checksums = (url: string) =>
  withClient(url, async (client) => {
    const result: Record<string, { rows: number; md5: string }> = {};
    for (const table of await tablesInDependencyOrder(client, ["schema_migration"])) result[table] = await tableChecksum(client, table);
    return result;
  });

/** An empty database and documents folder to restore into. */
async function emptyTarget() {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  const dataDir = fs.mkdtempSync(path.join(work, "target-"));
  return { url: database.url, dataDir, documentsDir: path.join(dataDir, "documents") };
}

const sourceDocuments = () => path.join(server.config.dataDir, "documents");

test("a quiet database comes back identical: every table's rows and every document's bytes", async () => {
  const out = path.join(work, "quiet.backup");
  // Quiet: the database as it stands is what the snapshot sees (the backup then audits itself).
  const before = await checksums(server.config.databaseUrl!);
  // Small entries: every table spans several, each restored by its own COPY, so no row may be cut in two.
  const taken = await backup({ url: server.config.databaseUrl!, documentsDir: sourceDocuments(), out, passphrase, entryBytes: 512 });
  expect(taken.manifest.keyMaterial).toBe(true);
  expect(fs.readFileSync(out).subarray(0, 40).toString()).toMatch(/^MERIDIAN-BACKUP 1 aes-256-gcm\n/);
  expect(taken.documents.length).toBeGreaterThanOrEqual(4);

  const target = await emptyTarget();
  await restore({ url: target.url, documentsDir: target.documentsDir, file: out, passphrase });
  expect(await checksums(target.url)).toEqual(before);
  const [{ backups }] = (await server.db.query(`SELECT count(*)::int AS backups FROM audit_entry WHERE action = 'BACKUP'`)) as Array<{ backups: number }>;
  expect(backups).toBe(1);
  for (const document of taken.documents) {
    const name = document.key.replace(/[^a-zA-Z0-9-]/g, "");
    expect(fs.readFileSync(path.join(target.documentsDir, name)).equals(fs.readFileSync(path.join(sourceDocuments(), name)))).toBe(true);
  }
});

test("a backup under concurrent transitions and uploads restores a consistent database a server runs on", async () => {
  let writing = true;
  let writes = 0;
  const writers = [0, 1].map(async () => {
    while (writing) {
      const caseId = await build.openCase(f.patient.patientId);
      await build.addRecord(caseId, { body: `Concurrent upload ${writes}` });
      await build.move(caseId, "CASE_ORGANISATION");
      writes += 1;
    }
  });
  const out = path.join(work, "busy.backup");
  // Let the writers get going, back up while they run, and stop them only afterwards.
  while (writes < 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const taken = await backup({ url: server.config.databaseUrl!, documentsDir: sourceDocuments(), out, passphrase });
  const writesDuringBackup = writes;
  writing = false;
  await Promise.all(writers);
  console.log(`backup under load: ${taken.bytes} bytes, ${taken.documents.length} documents; ${writes} write rounds in all, ${writesDuringBackup} before the backup ended`);

  const target = await emptyTarget();
  const restored = await restore({ url: target.url, documentsDir: target.documentsDir, file: out, passphrase });
  expect(restored.documents).toBe(taken.documents.length);
  // Every table as the snapshot saw it (counted independently of the restore's own check).
  const after = await checksums(target.url);
  for (const table of taken.manifest.tables) expect({ table: table.name, ...after[table.name] }).toEqual({ table: table.name, rows: table.rows, md5: table.md5 });
  await withClient(target.url, async (client) => {
    const { rows } = await client.query(`SELECT c.id FROM medical_case c WHERE c.version <> (SELECT count(*) FROM case_event e WHERE e.case_id = c.id)`);
    expect(rows).toEqual([]);
    // Every uploaded record of the snapshot has its document.
    const { rows: stored } = await client.query(`SELECT storage->>'key' AS key FROM medical_record WHERE storage IS NOT NULL`);
    for (const { key } of stored) expect(fs.existsSync(path.join(target.documentsDir, key.replace(/[^a-zA-Z0-9-]/g, "")))).toBe(true);
  });

  // The server starts on the restored data; the accounts sign in; documents read back.
  const restoredServer = await startServerOn(target.url, target.dataDir);
  cleanups.push(() => restoredServer.close());
  const login = ok(await restoredServer.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: f.coordinator.email, p: PASSWORD }));
  const token = login.login.accessToken;
  const cases = ok(await restoredServer.gql(`{ cases(first: 50) { edges { node { id records(first: 5) { id downloadUrl sha256 } } } } }`, {}, token)).cases.edges;
  const record = cases.flatMap((edge: { node: { records: Array<{ downloadUrl: string | null; sha256: string | null }> } }) => edge.node.records).find((r: { downloadUrl: string | null }) => r.downloadUrl);
  const download = await fetch(record.downloadUrl);
  expect(download.status).toBe(200);
  expect(Buffer.from(await download.arrayBuffer()).toString()).toMatch(/^(Redacted report|Concurrent upload)/);
});

test("a non-empty target, a wrong passphrase or a cut archive is refused, and the target is left empty", async () => {
  const out = path.join(work, "refusals.backup");
  await backup({ url: server.config.databaseUrl!, documentsDir: sourceDocuments(), out, passphrase });

  const occupied = { url: server.config.databaseUrl!, documentsDir: path.join(work, "unused-documents") };
  await expect(restore({ ...occupied, file: out, passphrase })).rejects.toThrow(/not empty/);

  const wrong = await emptyTarget();
  await expect(restore({ url: wrong.url, documentsDir: wrong.documentsDir, file: out, passphrase: "not the passphrase at all" })).rejects.toThrow(/passphrase/);
  await expect(restore({ url: wrong.url, documentsDir: wrong.documentsDir, file: out })).rejects.toThrow(/MERIDIAN_BACKUP_PASSPHRASE/);

  const cut = path.join(work, "cut.backup");
  const whole = fs.readFileSync(out);
  fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.7)));
  const target = await emptyTarget();
  await expect(restore({ url: target.url, documentsDir: target.documentsDir, file: cut, passphrase })).rejects.toThrow();
  for (const candidate of [wrong, target]) {
    const tables = await withClient(candidate.url, (client) => client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`));
    expect(tables.rows[0].n).toBe(0);
    expect(fs.existsSync(candidate.documentsDir) ? fs.readdirSync(candidate.documentsDir) : []).toEqual([]);
  }
});

test("a database that keeps its keys inside is not backed up in the clear", async () => {
  await expect(backup({ url: server.config.databaseUrl!, documentsDir: sourceDocuments(), out: path.join(work, "clear.backup") })).rejects.toThrow(/MERIDIAN_BACKUP_PASSPHRASE/);
  expect(fs.existsSync(path.join(work, "clear.backup"))).toBe(false);
});

test("with the PostgreSQL document store the documents travel as table rows, and a server on that store reads them back", async () => {
  const files = createFileBackend(sourceDocuments());
  const database = createPostgresBackend(server.db);
  await moveDocuments(server.db, server.runtime.keyRing, files, database);
  cleanups.push(() => moveDocuments(server.db, server.runtime.keyRing, database, files));
  const out = path.join(work, "chunked.backup");
  const before = await checksums(server.config.databaseUrl!);
  const taken = await backup({ url: server.config.databaseUrl!, documentsDir: sourceDocuments(), out, passphrase });
  expect(taken.documents).toEqual([]);
  expect(taken.manifest.tables.find((t) => t.name === "document_chunk")!.rows).toBeGreaterThanOrEqual(4);

  const target = await emptyTarget();
  await restore({ url: target.url, documentsDir: target.documentsDir, file: out, passphrase });
  const after = await checksums(target.url);
  expect(after.document_chunk).toEqual(before.document_chunk);
  const restoredServer = await startServerOn(target.url, target.dataDir, { documentStore: "postgres" });
  cleanups.push(() => restoredServer.close());
  const token = ok(await restoredServer.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { e: f.coordinator.email, p: PASSWORD })).login.accessToken;
  const cases = ok(await restoredServer.gql(`{ cases(first: 100) { edges { node { records { downloadUrl } } } } }`, {}, token)).cases.edges;
  const urls: string[] = cases.flatMap((edge: { node: { records: Array<{ downloadUrl: string | null }> } }) => edge.node.records.map((r) => r.downloadUrl)).filter(Boolean);
  expect(urls.length).toBeGreaterThanOrEqual(4);
  for (const url of urls) {
    const download = await fetch(url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toMatch(/^(Redacted report|Concurrent upload)/);
  }
});
