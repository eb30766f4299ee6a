import crypto from "node:crypto";

/**
 * AES-256-GCM for values at rest. A sealed value is `kid.iv.tag.ciphertext` (base64url),
 * so values written under an older key stay readable after a key rotation.
 */
export interface KeyRing {
  currentKid: string;
  keys: Map<string, Buffer>;
}

const b64 = (buffer: Buffer) => buffer.toString("base64url");

export function parseKey(base64: string, name: string): Buffer {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, base64-encoded`);
  return key;
}

/** The key id is derived from the key, so the same key always has the same id in every process. */
export function keyId(key: Buffer): string {
  return crypto.createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

export function createKeyRing(current: string, previous?: string): KeyRing {
  const currentKey = parseKey(current, "MERIDIAN_ENCRYPTION_KEY");
  const keys = new Map<string, Buffer>([[keyId(currentKey), currentKey]]);
  for (const entry of (previous ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const separator = entry.indexOf(":");
    if (separator < 1) throw new Error("MERIDIAN_PREVIOUS_ENCRYPTION_KEYS entries look like kid:base64");
    const key = parseKey(entry.slice(separator + 1), "MERIDIAN_PREVIOUS_ENCRYPTION_KEYS");
    // Values name their key by its derived id; the configured kid is accepted as an alias.
    keys.set(entry.slice(0, separator), key);
    keys.set(keyId(key), key);
  }
  return { currentKid: keyId(currentKey), keys };
}

export function seal(ring: KeyRing, plaintext: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", ring.keys.get(ring.currentKid)!, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [ring.currentKid, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(".");
}

export function open(ring: KeyRing, sealed: string): string {
  const [kid, iv, tag, ciphertext] = sealed.split(".");
  const key = ring.keys.get(kid);
  if (!key) throw new Error(`no encryption key with id ${kid}`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

/** A streaming cipher for documents: the caller stores kid, iv and the tag read after the stream ends. */
export function documentCipher(ring: KeyRing) {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", ring.keys.get(ring.currentKid)!, iv);
  return { cipher, kid: ring.currentKid, iv: b64(iv) };
}

export function documentDecipher(ring: KeyRing, storage: { kid: string; iv: string; tag: string }) {
  const key = ring.keys.get(storage.kid);
  if (!key) throw new Error(`no encryption key with id ${storage.kid}`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(storage.iv, "base64url"));
  decipher.setAuthTag(Buffer.from(storage.tag, "base64url"));
  return decipher;
}
