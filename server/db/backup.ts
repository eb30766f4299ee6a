import crypto from "node:crypto";
import fs from "node:fs";
import { Transform, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Client } from "pg";
import { to as copyTo } from "pg-copy-streams";
import type tar from "tar-stream";
import { documentFile } from "../records/document-store.js";
import { createArchive } from "./backup-archive.js";

export { documentFile };

/**
 * Logical backup without pg_dump (the embedded PostgreSQL ships none): every table is
 * copied with COPY inside one REPEATABLE READ snapshot, parents first, with its row
 * count and checksum taken in the same snapshot; the documents the snapshot refers to
 * are copied as stored (encrypted). Documents are written before their row commits and
 * never overwritten, so the files a snapshot names are all there and final.
 */

export const BACKUP_FORMAT = 1;
/** Held shared by a backup, exclusively by an erasure: an erasure never races a backup. */
export const BACKUP_ADVISORY_LOCK = 7_004_001;
/** A table's COPY output goes into tar entries of at most this size (tar needs each entry's size up front). */
const ENTRY_BYTES = 4 * 1024 * 1024;

export interface TableManifest {
  name: string;
  columns: string[];
  rows: number;
  md5: string;
  entries: number;
}

export interface BackupManifest {
  format: number;
  takenAt: string;
  /** The newest migration applied when the backup was taken: the restore migrates to it first. */
  migration: { timestamp: number; name: string };
  keyMaterial: boolean;
  tables: TableManifest[];
  sequences: Array<{ name: string; value: number | null }>;
}

export interface DocumentManifestEntry {
  key: string;
  bytes: number;
  sha256: string;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The session settings pg_dump uses, so values come out (and go back in) exactly. */
export async function applyDumpSettings(client: Client): Promise<void> {
  await client.query(`SET client_encoding = 'UTF8'; SET DateStyle = 'ISO'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3; SET TimeZone = 'UTC'`);
}

/** User tables of the public schema, parents before children (foreign keys are not deferrable). */
export async function tablesInDependencyOrder(client: Client, exclude: string[]): Promise<string[]> {
  const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const { rows: references } = await client.query<{ child: string; parent: string }>(
    `SELECT c.conrelid::regclass::text AS child, c.confrelid::regclass::text AS parent
       FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = 'public' AND c.conrelid <> c.confrelid`,
  );
  const unquote = (name: string) => name.replace(/^"|"$/g, "");
  const parents = new Map<string, Set<string>>();
  for (const { child, parent } of references) {
    const set = parents.get(unquote(child)) ?? new Set<string>();
    set.add(unquote(parent));
    parents.set(unquote(child), set);
  }
  const ordered: string[] = [];
  const visit = (name: string, trail: Set<string>) => {
    if (ordered.includes(name) || trail.has(name)) return;
    trail.add(name);
    for (const parent of parents.get(name) ?? []) visit(parent, trail);
    ordered.push(name);
  };
  for (const { name } of tables) visit(name, new Set());
  return ordered.filter((name) => !exclude.includes(name));
}

/** Stored columns of a table (generated ones are computed again on restore; COPY refuses them by name). */
export async function storedColumns(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [quoteIdent(table)],
  );
  return rows.map((row) => row.name);
}

/** Row count and an order-independent checksum of a table's content. */
export async function tableChecksum(client: Client, table: string): Promise<{ rows: number; md5: string }> {
  const { rows } = await client.query<{ rows: string; md5: string | null }>(
    `SELECT count(*) AS rows, md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))) AS md5 FROM ${quoteIdent(table)} t`,
  );
  return { rows: Number(rows[0].rows), md5: rows[0].md5 ?? "" };
}

/**
 * Splits COPY text output into buffers of whole rows, each of about `size` bytes at most
 * (a single longer row makes a buffer of its own): every entry is restored by its own
 * COPY FROM, which must not see a row cut in two. In COPY's text format a row ends with a
 * newline and a newline inside a value is escaped, so the last newline is a row boundary.
 */
export async function* rowChunksOf(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= size) {
      const boundary = pending.lastIndexOf(0x0a, size - 1);
      const end = boundary >= 0 ? boundary + 1 : pending.indexOf(0x0a) + 1;
      if (end <= 0) break;
      yield pending.subarray(0, end);
      pending = pending.subarray(end);
    }
  }
  if (pending.length > 0) yield pending;
}

const addEntry = (pack: tar.Pack, name: string, body: Buffer | string) =>
  new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o600 }, body, (error) => (error ? reject(error) : resolve())));

async function copyTable(client: Client, pack: tar.Pack, index: number, table: TableManifest, entryBytes: number): Promise<number> {
  const stream = client.query(copyTo(`COPY ${quoteIdent(table.name)} (${table.columns.map(quoteIdent).join(", ")}) TO STDOUT`));
  let entries = 0;
  for await (const chunk of rowChunksOf(stream as AsyncIterable<Buffer>, entryBytes)) {
    await addEntry(pack, `tables/${String(index).padStart(3, "0")}-${table.name}/${String(entries).padStart(6, "0")}.copy`, chunk);
    entries += 1;
  }
  return entries;
}

/** A pass-through that hashes (SHA-256) and counts what flows through it. */
export function hashing() {
  const hash = crypto.createHash("sha256");
  let bytes = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  return { transform, result: () => ({ sha256: hash.digest("hex"), bytes }) };
}


async function copyDocument(pack: tar.Pack, documentsDir: string, key: string): Promise<DocumentManifestEntry> {
  const file = documentFile(documentsDir, key);
  const { size } = await fs.promises.stat(file);
  const meter = hashing();
  await pipeline(fs.createReadStream(file), meter.transform, pack.entry({ name: `documents/${key}`, size, mode: 0o600 }) as unknown as Writable);
  return { key, ...meter.result() };
}

export interface BackupResult {
  manifest: BackupManifest;
  documents: DocumentManifestEntry[];
  bytes: number;
}

/** Writes a consistent backup of the database at `url` and its documents under `documentsDir` to `out`. */
export async function backup(options: { url: string; documentsDir: string; out: string; passphrase?: string; entryBytes?: number }): Promise<BackupResult> {
  const client = new Client({ connectionString: options.url, application_name: "meridian-backup" });
  await client.connect();
  let archive: ReturnType<typeof createArchive> | undefined;
  try {
    await applyDumpSettings(client);
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SELECT pg_advisory_xact_lock_shared($1)", [BACKUP_ADVISORY_LOCK]);
    const tableNames = await tablesInDependencyOrder(client, ["schema_migration"]);
    // A migration cannot change a table while it is being copied.
    await client.query(`LOCK TABLE ${[...tableNames, "schema_migration"].map(quoteIdent).join(", ")} IN ACCESS SHARE MODE`);
    const [migration] = (await client.query<{ timestamp: string; name: string }>(`SELECT "timestamp", name FROM schema_migration ORDER BY "timestamp" DESC LIMIT 1`)).rows;
    if (!migration) throw new Error("the database has no migrations applied: nothing to back up");
    const keyMaterial = Number((await client.query(`SELECT count(*) AS n FROM app_secret`)).rows[0].n) > 0;
    if (keyMaterial && !options.passphrase) {
      throw new Error("this database keeps its keys inside (no MERIDIAN_ENCRYPTION_KEY in the environment): set MERIDIAN_BACKUP_PASSPHRASE so the archive is encrypted");
    }
    const tables: TableManifest[] = [];
    for (const name of tableNames) tables.push({ name, columns: await storedColumns(client, name), ...(await tableChecksum(client, name)), entries: 0 });
    // Sequences are not transactional: read after the snapshot exists, they are at or above every id in it.
    const { rows: sequences } = await client.query<{ name: string; value: string | null }>(
      `SELECT sequencename AS name, last_value AS value FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
    );
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      takenAt: new Date().toISOString(),
      migration: { timestamp: Number(migration.timestamp), name: migration.name },
      keyMaterial,
      tables,
      sequences: sequences.map((s) => ({ name: s.name, value: s.value === null ? null : Number(s.value) })),
    };
    // Documents in the PostgreSQL store are rows of document_chunk, copied with the tables; the rest are files.
    const documentKeys = (
      await client.query<{ key: string }>(
        `SELECT storage->>'key' AS key FROM medical_record m
          WHERE storage IS NOT NULL AND NOT EXISTS (SELECT 1 FROM document_chunk c WHERE c.key = m.storage->>'key' AND c.seq = 0)
          ORDER BY 1`,
      )
    ).rows.map((row) => row.key);

    archive = createArchive(options.out, keyMaterial ? options.passphrase : undefined);
    await addEntry(archive.pack, "manifest.json", JSON.stringify(manifest, null, 2));
    for (const [index, table] of tables.entries()) table.entries = await copyTable(client, archive.pack, index, table, options.entryBytes ?? ENTRY_BYTES);
    const documents: DocumentManifestEntry[] = [];
    for (const key of documentKeys) documents.push(await copyDocument(archive.pack, options.documentsDir, key));
    // Entry counts and document hashes are known only now: they close the archive.
    await addEntry(archive.pack, "contents.json", JSON.stringify({ tables: tables.map((t) => ({ name: t.name, entries: t.entries })), documents }, null, 2));
    archive.pack.finalize();
    await archive.finished;
    await client.query("COMMIT");
    // Audited (ids only), and the metrics' backup age is read from it.
    await client.query(`INSERT INTO audit_entry (action, object_type, outcome) VALUES ('BACKUP', 'Database', 'ALLOWED')`);
    return { manifest, documents, bytes: (await fs.promises.stat(options.out)).size };
  } catch (error) {
    archive?.pack.destroy(error as Error);
    await archive?.finished.catch(() => {});
    await fs.promises.rm(options.out, { force: true });
    throw error;
  } finally {
    await client.end();
  }
}
