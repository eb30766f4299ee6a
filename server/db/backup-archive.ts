import crypto from "node:crypto";
import fs from "node:fs";
import { Transform, type Readable, type Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import zlib from "node:zlib";
import tar from "tar-stream";

/**
 * The backup file: a magic line, then a gzipped tar; when the archive holds key material
 * (development keeps its keys in the database) the gzipped tar is encrypted with
 * AES-256-GCM under a key derived (scrypt) from MERIDIAN_BACKUP_PASSPHRASE, the GCM tag
 * last. A restore only commits once the tag has been checked.
 */
const PLAIN = Buffer.from("MERIDIAN-BACKUP 1 gzip-tar\n");
const ENCRYPTED = Buffer.from("MERIDIAN-BACKUP 1 aes-256-gcm\n");
const SALT_BYTES = 16;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class BackupFormatError extends Error {}

const keyFrom = (passphrase: string, salt: Buffer) => crypto.scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });

/** A tar pack streamed into `file`; `finished` settles once every byte (and the tag) is on disk. */
export function createArchive(file: string, passphrase: string | undefined): { pack: tar.Pack; finished: Promise<void> } {
  const pack = tar.pack();
  const out = fs.createWriteStream(file, { mode: 0o600 });
  if (!passphrase) {
    out.write(PLAIN);
    return { pack, finished: pipeline(pack as unknown as Readable, zlib.createGzip(), out) };
  }
  const salt = crypto.randomBytes(SALT_BYTES);
  const iv = crypto.randomBytes(IV_BYTES);
  out.write(Buffer.concat([ENCRYPTED, salt, iv]));
  const cipher = crypto.createCipheriv("aes-256-gcm", keyFrom(passphrase, salt), iv);
  const encrypt = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => callback(null, cipher.update(chunk)),
    flush(callback) {
      this.push(cipher.final());
      this.push(cipher.getAuthTag());
      callback();
    },
  });
  return { pack, finished: pipeline(pack as unknown as Readable, zlib.createGzip(), encrypt, out) };
}

/** Reads the first bytes of a file. */
async function head(file: string, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, "r");
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Passes everything but the last `keep` bytes on; `tail()` gives those once the input ended. */
function holdBackTail(keep: number) {
  let held = Buffer.alloc(0);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const all = Buffer.concat([held, chunk]);
      held = all.subarray(Math.max(all.length - keep, 0));
      callback(null, all.subarray(0, Math.max(all.length - keep, 0)));
    },
  });
  return { stream, tail: () => held };
}

/**
 * The entries of a backup file, in order. `finished` settles after the last byte was
 * read and, for an encrypted archive, its tag verified: await it before trusting anything.
 */
export async function openArchive(file: string, passphrase: string | undefined): Promise<{ entries: tar.Extract; finished: Promise<void>; encrypted: boolean }> {
  const start = await head(file, ENCRYPTED.length + SALT_BYTES + IV_BYTES);
  const extract = tar.extract();
  if (start.subarray(0, PLAIN.length).equals(PLAIN)) {
    const finished = pipeline(fs.createReadStream(file, { start: PLAIN.length }), zlib.createGunzip(), extract as unknown as Writable);
    return { entries: extract, finished, encrypted: false };
  }
  if (!start.subarray(0, ENCRYPTED.length).equals(ENCRYPTED)) throw new BackupFormatError(`${file} is not a Meridian backup`);
  if (!passphrase) throw new BackupFormatError("this backup is encrypted: set MERIDIAN_BACKUP_PASSPHRASE to the passphrase it was taken with");
  const salt = start.subarray(ENCRYPTED.length, ENCRYPTED.length + SALT_BYTES);
  const iv = start.subarray(ENCRYPTED.length + SALT_BYTES);
  const decipher = crypto.createDecipheriv("aes-256-gcm", keyFrom(passphrase, salt), iv);
  const tag = holdBackTail(TAG_BYTES);
  const decrypt = new Transform({
    transform: (chunk: Buffer, _encoding, callback) => callback(null, decipher.update(chunk)),
    flush(callback) {
      try {
        decipher.setAuthTag(tag.tail());
        this.push(decipher.final());
        callback();
      } catch {
        callback(new BackupFormatError("the backup does not match its passphrase, or it was altered"));
      }
    },
  });
  const finished = pipeline(
    fs.createReadStream(file, { start: ENCRYPTED.length + SALT_BYTES + IV_BYTES }),
    tag.stream,
    decrypt,
    zlib.createGunzip(),
    extract as unknown as Writable,
  ).catch((error: unknown) => {
    // A wrong passphrase shows first as garbage to gunzip: say what it means. Other failures (the reader stopped) stay as they are.
    const zlibError = typeof (error as { code?: unknown })?.code === "string" && (error as { code: string }).code.startsWith("Z_");
    throw error instanceof BackupFormatError || !zlibError ? error : new BackupFormatError("the backup does not match its passphrase, or it was altered");
  });
  return { entries: extract, finished, encrypted: true };
}
