import type { DataSource } from "typeorm";
import type { KeyRing } from "../auth/field-crypto.js";
import { BACKUP_ADVISORY_LOCK } from "../db/backup.js";
import { DocumentCorruptError, verifyStored, type DocumentBackend, type StoredDocument } from "./document-store.js";

export interface MoveResult {
  moved: number;
  /** Already in the target only (an earlier run moved them). */
  alreadyThere: number;
  /** Records whose bytes are in neither store (on another node's disk, or lost): ids only. */
  missing: string[];
  /** Records whose source bytes fail their integrity check: left where they are. */
  corrupt: string[];
}

const PAGE = 100;

/**
 * Moves every stored record's bytes from one backend to the other, as stored (encrypted, the
 * descriptor unchanged): copy, check the copy against the descriptor's GCM tag, then remove the
 * source. Idempotent and resumable: a record whose bytes are only in the target is skipped, one
 * in both (a run cut after its copy) is copied again. The source is removed under the lock an
 * erasure and a backup take, after checking the record still refers to the bytes: an erasure
 * that ran meanwhile leaves no copy behind, and a running backup finds the bytes where its
 * snapshot says they are.
 */
export async function moveDocuments(db: DataSource, keyRing: KeyRing, from: DocumentBackend, to: DocumentBackend, onProgress?: (done: number) => void): Promise<MoveResult> {
  const result: MoveResult = { moved: 0, alreadyThere: 0, missing: [], corrupt: [] };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const page: Array<{ id: string; storage: StoredDocument["storage"] }> = await db.query(
      `SELECT id, storage FROM medical_record WHERE storage IS NOT NULL AND id > $1 ORDER BY id LIMIT ${PAGE}`,
      [after],
    );
    if (page.length === 0) return result;
    for (const { id, storage } of page) {
      await moveOne(db, keyRing, from, to, id, storage, result);
      onProgress?.(result.moved + result.alreadyThere + result.missing.length + result.corrupt.length);
    }
    after = page[page.length - 1].id;
  }
}

async function moveOne(db: DataSource, keyRing: KeyRing, from: DocumentBackend, to: DocumentBackend, id: string, storage: StoredDocument["storage"], result: MoveResult) {
  if (!(await from.has(storage.key))) {
    if (await to.has(storage.key)) result.alreadyThere += 1;
    else result.missing.push(id);
    return;
  }
  await to.put(storage.key, from.get(storage.key));
  try {
    await verifyStored(keyRing, storage, to.get(storage.key));
  } catch (error) {
    await to.delete(storage.key);
    if (!(error instanceof DocumentCorruptError)) throw error;
    result.corrupt.push(id);
    return;
  }
  await db.transaction(async (manager) => {
    await manager.query("SELECT pg_advisory_xact_lock($1)", [BACKUP_ADVISORY_LOCK]);
    const still: unknown[] = await manager.query(`SELECT 1 FROM medical_record WHERE id = $1 AND storage->>'key' = $2`, [id, storage.key]);
    if (still.length === 0) await to.delete(storage.key);
    await from.delete(storage.key);
  });
  result.moved += 1;
}
