import fs from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { BackupFormatError, openArchive } from "./backup-archive.js";
import { applyDumpSettings, BACKUP_FORMAT, documentFile, hashing, quoteIdent, tableChecksum, type BackupManifest, type DocumentManifestEntry } from "./backup.js";
import { createDataSource, migrationsGlob } from "./data-source.js";

export class RestoreRefusedError extends Error {}

/** Migration classes whose timestamp is at most `upTo`, from the same folder the data source loads. */
function migrationsUpTo(upTo: number): Function[] {
  const dir = path.dirname(migrationsGlob);
  const files = fs
    .readdirSync(dir)
    .filter((file) => /^\d+-.+\.(js|ts)$/.test(file) && !file.endsWith(".d.ts"))
    .sort();
  const known = files.map((file) => Number(file.split("-")[0]));
  if (!known.includes(upTo)) throw new RestoreRefusedError(`the backup was taken at migration ${upTo}, which this version of Meridian does not have; restore it with the version that took it`);
  return files.filter((file) => Number(file.split("-")[0]) <= upTo).flatMap((file) => Object.values(require(path.join(dir, file))) as Function[]);
}

/** Drops what a failed restore's migrations created, so the database is empty again, as it was found. */
async function emptyDatabase(client: Client): Promise<void> {
  await client.query(`DO $$ DECLARE r record; BEGIN
    FOR r IN SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE n.nspname = 'public' LOOP EXECUTE format('DROP EXTENSION IF EXISTS %I CASCADE', r.extname); END LOOP;
    FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.tablename); END LOOP;
    FOR r IN SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' LOOP EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.sequencename); END LOOP;
    FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public' LOOP EXECUTE 'DROP FUNCTION IF EXISTS ' || r.f || ' CASCADE'; END LOOP;
  END $$`);
}

async function assertEmptyDatabase(client: Client): Promise<void> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);
  if (Number(rows[0].n) > 0) throw new RestoreRefusedError("the target database is not empty: restore only into an empty database (or an empty data directory)");
}

/** Drains one tar entry into a COPY ... FROM STDIN. */
async function copyEntry(client: Client, manifest: BackupManifest, tableName: string, entry: AsyncIterable<unknown>): Promise<void> {
  const table = manifest.tables.find((t) => t.name === tableName);
  if (!table) throw new BackupFormatError(`the backup holds rows for an unknown table ${tableName}`);
  await pipeline(entry, client.query(copyFrom(`COPY ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(", ")}) FROM STDIN`)) as unknown as Writable);
}

async function writeDocument(documentsDir: string, key: string, entry: AsyncIterable<unknown>): Promise<DocumentManifestEntry> {
  const meter = hashing();
  await pipeline(entry, meter.transform, fs.createWriteStream(documentFile(documentsDir, key), { mode: 0o600, flags: "wx" }));
  return { key, ...meter.result() };
}

export interface RestoreResult {
  manifest: BackupManifest;
  rows: number;
  documents: number;
}

/**
 * Restores `file` into the empty database at `url` and the empty `documentsDir`: the
 * migrations up to the backup's, then every table in one transaction with user triggers
 * off (they would fire again: audit guards, NOTIFY), sequences set, every table's count
 * and checksum and every document's hash compared before COMMIT; then ANALYZE and the
 * newer migrations. Anything short of that leaves the target as it was.
 */
export async function restore(options: { url: string; documentsDir: string; file: string; passphrase?: string }): Promise<RestoreResult> {
  fs.mkdirSync(options.documentsDir, { recursive: true, mode: 0o700 });
  if (fs.readdirSync(options.documentsDir).length > 0) throw new RestoreRefusedError(`the documents folder ${options.documentsDir} is not empty`);
  const client = new Client({ connectionString: options.url, application_name: "meridian-restore" });
  await client.connect();
  const written: string[] = [];
  let committed = false;
  let archive: Awaited<ReturnType<typeof openArchive>> | undefined;
  try {
    await assertEmptyDatabase(client);
  } catch (error) {
    await client.end();
    throw error;
  }
  try {
    archive = await openArchive(options.file, options.passphrase);
    const iterator = archive.entries[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done || first.value.header.name !== "manifest.json") throw new BackupFormatError(`${options.file} has no manifest: not a Meridian backup`);
    const manifest = JSON.parse((await streamText(first.value)).toString()) as BackupManifest;
    if (manifest.format !== BACKUP_FORMAT) throw new BackupFormatError(`backup format ${manifest.format} is not supported`);

    const partial = createDataSource({ url: options.url });
    (partial.options as { migrations: unknown }).migrations = migrationsUpTo(manifest.migration.timestamp);
    await partial.initialize();
    try {
      await partial.runMigrations({ transaction: "each" });
    } finally {
      await partial.destroy();
    }

    await applyDumpSettings(client);
    await client.query("BEGIN");
    for (const table of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(table.name)} DISABLE TRIGGER USER`);
    let contents: { tables: Array<{ name: string; entries: number }>; documents: DocumentManifestEntry[] } | undefined;
    const entriesSeen = new Map<string, number>();
    const documents: DocumentManifestEntry[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const entry = next.value;
      const name = entry.header.name;
      const table = /^tables\/\d{3}-([a-z0-9_]+)\/\d+\.copy$/.exec(name)?.[1];
      if (table) {
        await copyEntry(client, manifest, table, entry);
        entriesSeen.set(table, (entriesSeen.get(table) ?? 0) + 1);
      } else if (name.startsWith("documents/")) {
        const key = name.slice("documents/".length);
        written.push(documentFile(options.documentsDir, key));
        documents.push(await writeDocument(options.documentsDir, key, entry));
      } else if (name === "contents.json") {
        contents = JSON.parse((await streamText(entry)).toString());
      } else {
        throw new BackupFormatError(`unexpected entry ${name} in the backup`);
      }
    }
    // Every byte read and (when encrypted) the tag verified before anything is trusted.
    await archive.finished;
    if (!contents) throw new BackupFormatError("the backup is incomplete (no contents list): it was cut short");
    for (const table of contents.tables) {
      if ((entriesSeen.get(table.name) ?? 0) !== table.entries) throw new BackupFormatError(`the backup is incomplete: ${table.name} lacks data`);
    }
    const expected = new Map(contents.documents.map((d) => [d.key, d]));
    if (documents.length !== expected.size || documents.some((d) => expected.get(d.key)?.sha256 !== d.sha256)) {
      throw new BackupFormatError("a document in the backup does not match its recorded hash");
    }
    for (const sequence of manifest.sequences) {
      await client.query(`SELECT setval($1::regclass, $2, $3)`, [quoteIdent(sequence.name), sequence.value ?? 1, sequence.value !== null]);
    }
    for (const table of manifest.tables) await client.query(`ALTER TABLE ${quoteIdent(table.name)} ENABLE TRIGGER USER`);
    let rows = 0;
    for (const table of manifest.tables) {
      const actual = await tableChecksum(client, table.name);
      if (actual.rows !== table.rows || actual.md5 !== table.md5) throw new BackupFormatError(`table ${table.name} does not match its checksum after restore`);
      rows += actual.rows;
    }
    await client.query("COMMIT");
    committed = true;
    await client.query("ANALYZE");
    const full = createDataSource({ url: options.url });
    await full.initialize();
    try {
      await full.runMigrations({ transaction: "each" });
    } finally {
      await full.destroy();
    }
    return { manifest, rows, documents: documents.length };
  } catch (error) {
    // What went wrong with the archive itself (a wrong passphrase, a cut file) says more than what it broke downstream.
    archive?.entries.destroy();
    const cause = archive ? await archive.finished.then(() => undefined, (failure: unknown) => failure) : undefined;
    if (!committed) {
      await client.query("ROLLBACK").catch(() => {});
      await emptyDatabase(client).catch(() => {});
      for (const file of written) await fs.promises.rm(file, { force: true });
    }
    throw cause instanceof BackupFormatError ? cause : error;
  } finally {
    await client.end();
  }
}

async function streamText(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
