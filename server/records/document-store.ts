import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline as pipelineCallback, Transform, Writable, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { documentCipher, documentDecipher, type KeyRing } from "../auth/field-crypto.js";
import { PayloadTooLargeError } from "../errors.js";

export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export interface StoredDocument {
  sizeBytes: number;
  sha256: string;
  /** Where and how it is kept: key id, IV and GCM tag beside the stored bytes' key. */
  storage: { key: string; kid: string; iv: string; tag: string };
}

/** A stored document's bytes failed their GCM check: they were altered (or cut) where they lie. */
export class DocumentCorruptError extends Error {
  constructor(readonly key: string) {
    super("a stored document failed its integrity check");
    this.name = "DocumentCorruptError";
  }
}

export interface DocumentStore {
  /** Streams the bytes in, hashing the plaintext and encrypting what is stored; nothing is kept on failure. */
  write(key: string, source: Readable, maxBytes: number): Promise<StoredDocument>;
  /** The plaintext; a failed GCM tag check errors the stream at its end. */
  read(storage: StoredDocument["storage"]): Readable;
  /** Reads the stored bytes through once, without keeping them: rejects with DocumentCorruptError when they were altered. */
  verify(storage: StoredDocument["storage"]): Promise<void>;
  remove(storage: StoredDocument["storage"]): Promise<void>;
  /** Removes partial uploads (left by a crash) not written to for `olderThanMs`; resolves with how many. */
  sweepPartials(olderThanMs: number): Promise<number>;
}

/** Where the encrypted bytes lie: a store without the cryptography, so documents move between backends as stored. */
export interface DocumentBackend {
  readonly name: "fs" | "postgres";
  /** Takes the whole stream under `key`, all or nothing (an existing `key` is replaced only on success). */
  put(key: string, source: Readable): Promise<void>;
  /** The stored bytes; errors with code ENOENT when `key` holds nothing. */
  get(key: string): Readable;
  has(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  sweepPartials(olderThanMs: number): Promise<number>;
}

/** Counts and hashes bytes as they pass, failing fast past the limit. */
function meter(maxBytes: number, hash: crypto.Hash) {
  let size = 0;
  const transform = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) return callback(new PayloadTooLargeError());
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  return { transform, size: () => size };
}

/** Node's decipher says so only in its message (no code); not `instanceof Error`: it may come from another realm. */
const isTagFailure = (error: unknown) => /unable to authenticate data/i.test(String((error as { message?: unknown } | undefined)?.message));

/** Checks `stored` (encrypted bytes) against its descriptor's GCM tag, streaming to nowhere. */
export async function verifyStored(keyRing: KeyRing, storage: StoredDocument["storage"], stored: Readable): Promise<void> {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  await pipeline(stored, documentDecipher(keyRing, storage), sink).catch((error: unknown) => {
    throw isTagFailure(error) ? new DocumentCorruptError(storage.key) : error;
  });
}

/**
 * The encryption and accounting over a backend. `fallback` is read (and removed from) when the
 * backend lacks a document: while documents move from one store to the other, both serve.
 */
export function createDocumentStore(backend: DocumentBackend, keyRing: KeyRing, fallback?: DocumentBackend): DocumentStore {
  const holder = async (key: string) => (!fallback || (await backend.has(key)) ? backend : (await fallback.has(key)) ? fallback : backend);
  /** The stored bytes of `key` from whichever backend has them, as one stream created at once. */
  const storedBytes = (key: string): Readable => {
    if (!fallback) return backend.get(key);
    const out = new Transform({ transform: (chunk, _encoding, callback) => callback(null, chunk) });
    holder(key).then(
      (from) => pipelineCallback(from.get(key), out, () => undefined),
      (error: Error) => out.destroy(error),
    );
    return out;
  };
  return {
    async write(key, source, maxBytes) {
      const hash = crypto.createHash("sha256");
      const counter = meter(maxBytes, hash);
      const { cipher, kid, iv } = documentCipher(keyRing);
      // Joined by pipeline: a failing source, an overflow or a failing backend tears all of them down.
      await backend.put(key, pipelineCallback(source, counter.transform, cipher, () => undefined));
      return {
        sizeBytes: counter.size(),
        sha256: hash.digest("hex"),
        storage: { key, kid, iv, tag: cipher.getAuthTag().toString("base64url") },
      };
    },
    read(storage) {
      // Joined by pipeline, not pipe: when the reader destroys the returned stream (a client gone,
      // stalled or failed), what is read under it is released too. Errors reach the reader by that same destroy.
      return pipelineCallback(storedBytes(storage.key), documentDecipher(keyRing, storage), () => undefined);
    },
    verify: (storage) => verifyStored(keyRing, storage, storedBytes(storage.key)),
    async remove(storage) {
      await backend.delete(storage.key);
      await fallback?.delete(storage.key);
    },
    // The other store's too: partial writes left there before a switch, or by an interrupted move.
    sweepPartials: async (olderThanMs) => (await backend.sweepPartials(olderThanMs)) + ((await fallback?.sweepPartials(olderThanMs)) ?? 0),
  };
}

const PARTIAL_SUFFIX = ".part";

/** Where a document's (encrypted) bytes lie in the file store: the backup reads them there too. */
export const documentFile = (root: string, key: string) => path.join(root, key.replace(/[^a-zA-Z0-9-]/g, ""));

/** Encrypted files under the data directory: written to a partial file, renamed when complete. */
export function createFileBackend(root: string): DocumentBackend {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  return {
    name: "fs",
    async put(key, source) {
      const final = documentFile(root, key);
      const temporary = `${final}.${crypto.randomUUID()}${PARTIAL_SUFFIX}`;
      const sink = fs.createWriteStream(temporary, { mode: 0o600 });
      try {
        await pipeline(source, sink);
        await fs.promises.rename(temporary, final);
      } catch (error) {
        // A body refused early fails the pipeline while the file's open may still be under way:
        // removed before the open lands, the partial file would appear after and stay.
        if (!sink.closed) await new Promise<void>((resolve) => sink.once("close", () => resolve()));
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
    },
    get: (key) => fs.createReadStream(documentFile(root, key)),
    has: (key) => fs.promises.access(documentFile(root, key)).then(() => true, () => false),
    async delete(key) {
      await fs.promises.rm(documentFile(root, key), { force: true });
    },
    async sweepPartials(olderThanMs) {
      let removed = 0;
      for (const name of await fs.promises.readdir(root)) {
        if (!name.endsWith(PARTIAL_SUFFIX)) continue;
        const file = path.join(root, name);
        const stat = await fs.promises.stat(file).catch(() => undefined);
        if (!stat || Date.now() - stat.mtimeMs < olderThanMs) continue;
        await fs.promises.rm(file, { force: true });
        removed += 1;
      }
      return removed;
    },
  };
}
