import crypto from "node:crypto";
import { Readable } from "node:stream";
import type { DataSource } from "typeorm";
import type { DocumentBackend } from "./document-store.js";

/** Bytes per row: big enough that a 50 MB document is 200 rows, small enough that a reader holds little. */
export const CHUNK_BYTES = 256 * 1024;
const PARTIAL_SUFFIX = ".part";

/** Splits a stream into buffers of exactly `size` bytes (the last one shorter), holding at most one. */
async function* chunksOf(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    pending.push(chunk);
    length += chunk.length;
    while (length >= size) {
      const all = Buffer.concat(pending);
      yield all.subarray(0, size);
      pending = [all.subarray(size)];
      length -= size;
    }
  }
  if (length > 0) yield Buffer.concat(pending);
}

const notFound = (key: string) => Object.assign(new Error(`no stored document ${key}`), { code: "ENOENT" });

/**
 * Documents in the database, for several server processes on one PostgreSQL. A write inserts
 * its chunks one statement at a time under a temporary key (a slow upload holds no connection
 * or transaction between chunks) and renames them to the final key in one statement when the
 * stream has ended: readers see all of a document or none. A failed write deletes its chunks;
 * a crash leaves them under the temporary key for the sweep.
 */
export function createPostgresBackend(db: DataSource): DocumentBackend {
  return {
    name: "postgres",
    async put(key, source) {
      const temporary = `${key}.${crypto.randomUUID()}${PARTIAL_SUFFIX}`;
      try {
        let seq = 0;
        for await (const chunk of chunksOf(source as AsyncIterable<Buffer>, CHUNK_BYTES)) {
          await db.query(`INSERT INTO document_chunk (key, seq, bytes) VALUES ($1, $2, $3)`, [temporary, seq, chunk]);
          seq += 1;
        }
        // An empty document is one empty chunk: seq 0 always exists for a stored document.
        if (seq === 0) await db.query(`INSERT INTO document_chunk (key, seq, bytes) VALUES ($1, 0, '')`, [temporary]);
        await db.transaction(async (manager) => {
          await manager.query(`DELETE FROM document_chunk WHERE key = $1`, [key]);
          await manager.query(`UPDATE document_chunk SET key = $2 WHERE key = $1`, [temporary, key]);
        });
      } catch (error) {
        source.destroy();
        await db.query(`DELETE FROM document_chunk WHERE key = $1`, [temporary]).catch(() => undefined);
        throw error;
      }
    },
    get(key) {
      // One chunk per query, fetched only when the reader wants more: bounded memory, no open cursor.
      async function* chunks() {
        for (let seq = 0; ; seq += 1) {
          const rows: Array<{ bytes: Buffer }> = await db.query(`SELECT bytes FROM document_chunk WHERE key = $1 AND seq = $2`, [key, seq]);
          if (rows.length === 0) {
            if (seq === 0) throw notFound(key);
            return;
          }
          yield rows[0].bytes;
        }
      }
      return Readable.from(chunks(), { objectMode: false, highWaterMark: 1 });
    },
    async has(key) {
      const rows: unknown[] = await db.query(`SELECT 1 FROM document_chunk WHERE key = $1 AND seq = 0`, [key]);
      return rows.length > 0;
    },
    async delete(key) {
      await db.query(`DELETE FROM document_chunk WHERE key = $1`, [key]);
    },
    async sweepPartials(olderThanMs) {
      const rows: Array<{ n: string }> = await db.query(
        `WITH gone AS (
           DELETE FROM document_chunk WHERE key IN (
             SELECT key FROM document_chunk WHERE key LIKE '%${PARTIAL_SUFFIX}' GROUP BY key HAVING max(written_at) < now() - make_interval(secs => $1)
           ) RETURNING key
         ) SELECT count(DISTINCT key) AS n FROM gone`,
        [olderThanMs / 1000],
      );
      return Number(rows[0].n);
    },
  };
}
