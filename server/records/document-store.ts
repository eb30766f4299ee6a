import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline as pipelineCallback, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { documentCipher, documentDecipher, type KeyRing } from "../auth/field-crypto.js";
import { PayloadTooLargeError } from "../errors.js";

export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

export interface StoredDocument {
  sizeBytes: number;
  sha256: string;
  /** Where and how it is kept: key id, IV and GCM tag beside the file's key. */
  storage: { key: string; kid: string; iv: string; tag: string };
}

export interface DocumentStore {
  /** Streams the bytes in, hashing the plaintext and encrypting what lands on disk; nothing is kept on failure. */
  write(key: string, source: Readable, maxBytes: number): Promise<StoredDocument>;
  read(storage: StoredDocument["storage"]): Readable;
  remove(storage: StoredDocument["storage"]): Promise<void>;
  /** Removes partial uploads (left by a crash) not written to for `olderThanMs`; resolves with how many. */
  sweepPartials(olderThanMs: number): Promise<number>;
}

const PARTIAL_SUFFIX = ".part";

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

/** Documents as encrypted files under the data directory. */
export function createFileDocumentStore(root: string, keyRing: KeyRing): DocumentStore {
  fs.mkdirSync(root, { recursive: true, mode: 0o700 });
  const pathOf = (key: string) => path.join(root, key.replace(/[^a-zA-Z0-9-]/g, ""));
  return {
    async write(key, source, maxBytes) {
      const hash = crypto.createHash("sha256");
      const counter = meter(maxBytes, hash);
      const { cipher, kid, iv } = documentCipher(keyRing);
      const final = pathOf(key);
      const temporary = `${final}.${crypto.randomUUID()}${PARTIAL_SUFFIX}`;
      try {
        await pipeline(source, counter.transform, cipher, fs.createWriteStream(temporary, { mode: 0o600 }));
        await fs.promises.rename(temporary, final);
      } catch (error) {
        await fs.promises.rm(temporary, { force: true });
        throw error;
      }
      return {
        sizeBytes: counter.size(),
        sha256: hash.digest("hex"),
        storage: { key, kid, iv, tag: cipher.getAuthTag().toString("base64url") },
      };
    },
    async remove(storage) {
      await fs.promises.rm(pathOf(storage.key), { force: true });
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
    read(storage) {
      // Joined by pipeline, not pipe: when the reader destroys the returned stream (a client gone,
      // stalled or failed), the file under it is closed too. Errors reach the reader by that same destroy.
      return pipelineCallback(fs.createReadStream(pathOf(storage.key)), documentDecipher(keyRing, storage), () => undefined);
    },
  };
}
