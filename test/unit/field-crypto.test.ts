import crypto from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createKeyRing, documentCipher, documentDecipher, keyId, open, parseKey, seal } from "../../server/auth/field-crypto";

const newKey = () => crypto.randomBytes(32).toString("base64");

const KEY_A = newKey();
const KEY_B = newKey();

/** Replaces the character at `index` with a different base64url character. */
function flipChar(text: string, index: number): string {
  const replacement = text[index] === "A" ? "B" : "A";
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

function withPart(sealed: string, part: number, change: (value: string) => string): string {
  const parts = sealed.split(".");
  parts[part] = change(parts[part]);
  return parts.join(".");
}

describe("parseKey and createKeyRing", () => {
  test("a 32-byte base64 key is accepted", () => {
    expect(parseKey(KEY_A, "K")).toHaveLength(32);
    expect(parseKey(KEY_A, "K").equals(Buffer.from(KEY_A, "base64"))).toBe(true);
  });

  test.each([
    ["16 bytes", crypto.randomBytes(16).toString("base64")],
    ["31 bytes", crypto.randomBytes(31).toString("base64")],
    ["33 bytes", crypto.randomBytes(33).toString("base64")],
    ["64 bytes", crypto.randomBytes(64).toString("base64")],
    ["empty", ""],
    ["not base64 at all", "correct horse battery staple"],
  ])("a key of the wrong length (%s) is rejected, naming the setting", (_name, key) => {
    expect(() => parseKey(key, "MERIDIAN_ENCRYPTION_KEY")).toThrow(/MERIDIAN_ENCRYPTION_KEY must be 32 bytes/);
    expect(() => createKeyRing(key)).toThrow(/MERIDIAN_ENCRYPTION_KEY must be 32 bytes/);
  });

  test("a previous key of the wrong length is rejected", () => {
    const short = crypto.randomBytes(16).toString("base64");
    expect(() => createKeyRing(KEY_A, `old:${short}`)).toThrow(/MERIDIAN_PREVIOUS_ENCRYPTION_KEYS must be 32 bytes/);
  });

  test.each([KEY_B, `:${KEY_B}`])("a previous key entry without a kid (%s) is rejected", (entry) => {
    expect(() => createKeyRing(KEY_A, entry)).toThrow(/kid:base64/);
  });

  test("the current key's id is derived from the key, stable, short and distinct per key", () => {
    const a = createKeyRing(KEY_A);
    expect(a.currentKid).toBe(keyId(Buffer.from(KEY_A, "base64")));
    expect(createKeyRing(KEY_A).currentKid).toBe(a.currentKid);
    expect(a.currentKid).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(createKeyRing(KEY_B).currentKid).not.toBe(a.currentKid);
    expect(a.keys.size).toBe(1);
  });

  test("previous keys are added under their kid, with spaces and empty entries ignored", () => {
    const kidB = keyId(Buffer.from(KEY_B, "base64"));
    const KEY_C = newKey();
    const ring = createKeyRing(KEY_A, ` ${kidB}:${KEY_B} , ,old-c:${KEY_C},`);
    expect(ring.currentKid).toBe(keyId(Buffer.from(KEY_A, "base64")));
    // Each previous key is found by its configured kid and by its derived id.
    const kidC = keyId(Buffer.from(KEY_C, "base64"));
    expect([...ring.keys.keys()].sort()).toEqual([ring.currentKid, kidB, "old-c", kidC].sort());
    expect(ring.keys.get(kidB)!.equals(Buffer.from(KEY_B, "base64"))).toBe(true);
    expect(createKeyRing(KEY_A, "").keys.size).toBe(1);
    expect(createKeyRing(KEY_A, undefined).keys.size).toBe(1);
  });
});

describe("seal and open", () => {
  const ring = createKeyRing(KEY_A);

  test.each([
    ["a health card number", "1234-567-890-AB"],
    ["a date", "1958-03-14"],
    ["the empty string", ""],
    ["unicode", "王伟 — Zoë Ångström 🎗️ naïve café"],
    ["text with dots and colons", "a.b.c:d"],
    ["a long value", "x".repeat(100_000)],
  ])("round trip of %s", (_name, plaintext) => {
    const sealed = seal(ring, plaintext);
    expect(open(ring, sealed)).toBe(plaintext);
  });

  test("the sealed form is kid.iv.tag.ciphertext, base64url, and hides the plaintext", () => {
    const sealed = seal(ring, "Margaret Holloway 1958-03-14");
    const parts = sealed.split(".");
    expect(parts).toHaveLength(4);
    expect(parts[0]).toBe(ring.currentKid);
    for (const part of parts) expect(part).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(Buffer.from(parts[1], "base64url")).toHaveLength(12);
    expect(Buffer.from(parts[2], "base64url")).toHaveLength(16);
    expect(sealed).not.toContain("Holloway");
    expect(sealed).not.toContain("1958");
  });

  test("sealing the same value twice gives different outputs (a fresh iv each time)", () => {
    const one = seal(ring, "1234567890");
    const two = seal(ring, "1234567890");
    expect(one).not.toBe(two);
    expect(one.split(".")[1]).not.toBe(two.split(".")[1]);
    expect(open(ring, one)).toBe(open(ring, two));
  });

  describe("tamper detection", () => {
    const sealed = seal(ring, "1234-567-890-AB");

    test("the untampered value opens", () => {
      expect(open(ring, sealed)).toBe("1234-567-890-AB");
    });

    test.each([0, 1, 5, 10])("flipping ciphertext character %i throws", (index) => {
      const tampered = withPart(sealed, 3, (value) => flipChar(value, index));
      expect(tampered).not.toBe(sealed);
      expect(() => open(ring, tampered)).toThrow();
    });

    test("flipping a character of the tag throws", () => {
      expect(() => open(ring, withPart(sealed, 2, (value) => flipChar(value, 0)))).toThrow();
    });

    test("flipping a character of the iv throws", () => {
      expect(() => open(ring, withPart(sealed, 1, (value) => flipChar(value, 0)))).toThrow();
    });

    test("a truncated tag throws", () => {
      expect(() => open(ring, withPart(sealed, 2, (value) => value.slice(0, 4)))).toThrow();
    });

    test("swapping ciphertexts between two sealed values throws", () => {
      const other = seal(ring, "9999-999-999-ZZ");
      const spliced = withPart(sealed, 3, () => other.split(".")[3]);
      expect(() => open(ring, spliced)).toThrow();
    });

    test("an unknown kid throws, naming it", () => {
      expect(() => open(ring, withPart(sealed, 0, () => "nokey123"))).toThrow(/no encryption key with id nokey123/);
    });
  });

  test("a value sealed under another key cannot be opened", () => {
    const other = createKeyRing(KEY_B);
    const sealed = seal(other, "secret");
    expect(() => open(ring, sealed)).toThrow(/no encryption key/);
    // Even when the kid is forged to the current one, authentication fails.
    expect(() => open(ring, withPart(sealed, 0, () => ring.currentKid))).toThrow();
  });
});

describe("key rotation", () => {
  const oldKey = KEY_A;
  const currentKey = KEY_B;
  const oldKid = keyId(Buffer.from(oldKey, "base64"));
  const before = createKeyRing(oldKey);
  const sealedBefore = seal(before, "1958-03-14");

  test("a value sealed with the old key opens once the old key is listed as kid:base64", () => {
    const after = createKeyRing(currentKey, `${oldKid}:${oldKey}`);
    expect(open(after, sealedBefore)).toBe("1958-03-14");
  });

  test("new values are sealed with the current key, and the old key alone cannot read them", () => {
    const after = createKeyRing(currentKey, `${oldKid}:${oldKey}`);
    const sealedAfter = seal(after, "1958-03-14");
    expect(sealedAfter.split(".")[0]).toBe(keyId(Buffer.from(currentKey, "base64")));
    expect(sealedAfter.split(".")[0]).not.toBe(oldKid);
    expect(open(after, sealedAfter)).toBe("1958-03-14");
    expect(() => open(before, sealedAfter)).toThrow(/no encryption key/);
  });

  test("without the old key listed, the old value is unreadable", () => {
    expect(() => open(createKeyRing(currentKey), sealedBefore)).toThrow(/no encryption key with id/);
  });

  test("several previous keys: values from each generation stay readable", () => {
    const KEY_C = newKey();
    const kidB = keyId(Buffer.from(KEY_B, "base64"));
    const sealedB = seal(createKeyRing(KEY_B), "from B");
    const ring = createKeyRing(KEY_C, `${oldKid}:${oldKey},${kidB}:${KEY_B}`);
    expect(open(ring, sealedBefore)).toBe("1958-03-14");
    expect(open(ring, sealedB)).toBe("from B");
    expect(open(ring, seal(ring, "from C"))).toBe("from C");
  });
});

describe("documentCipher and documentDecipher", () => {
  const ring = createKeyRing(KEY_A);

  async function collect(stream: NodeJS.ReadableStream & NodeJS.WritableStream, chunks: Buffer[]): Promise<Buffer> {
    const out: Buffer[] = [];
    await pipeline(Readable.from(chunks), stream, async (source: AsyncIterable<Buffer | string>) => {
      for await (const chunk of source) out.push(Buffer.from(chunk));
    });
    return Buffer.concat(out);
  }

  /** Splits a buffer into chunks of uneven sizes, as a network upload would arrive. */
  function chunked(buffer: Buffer): Buffer[] {
    const chunks: Buffer[] = [];
    let offset = 0;
    let size = 1;
    while (offset < buffer.length) {
      chunks.push(buffer.subarray(offset, offset + size));
      offset += size;
      size = Math.max(1, (size * 7 + 3) % 65_537);
    }
    return chunks;
  }

  async function encrypt(document: Buffer, keyRing = ring) {
    const { cipher, kid, iv } = documentCipher(keyRing);
    const encrypted = await collect(cipher, chunked(document));
    return { encrypted, storage: { kid, iv, tag: cipher.getAuthTag().toString("base64url") } };
  }

  test.each([
    ["empty", Buffer.alloc(0)],
    ["one byte", Buffer.from([0x25])],
    ["a small text", Buffer.from("%PDF-1.7\nMargaret Holloway pathology report 王伟\n", "utf8")],
    ["1 MB of random bytes", crypto.randomBytes(1024 * 1024 + 13)],
  ])("streaming round trip: %s", async (_name, document) => {
    const { encrypted, storage } = await encrypt(document);
    expect(encrypted).toHaveLength(document.length);
    if (document.length > 16) expect(encrypted.equals(document)).toBe(false);
    expect(storage.kid).toBe(ring.currentKid);
    expect(Buffer.from(storage.iv, "base64url")).toHaveLength(12);
    const decrypted = await collect(documentDecipher(ring, storage), chunked(encrypted));
    expect(decrypted.equals(document)).toBe(true);
  });

  test("each document gets its own iv", () => {
    expect(documentCipher(ring).iv).not.toBe(documentCipher(ring).iv);
  });

  test("a flipped byte of the stored document fails at the end of the stream", async () => {
    const document = crypto.randomBytes(4096);
    const { encrypted, storage } = await encrypt(document);
    const tampered = Buffer.from(encrypted);
    tampered[2000] ^= 0x01;
    await expect(collect(documentDecipher(ring, storage), [tampered])).rejects.toThrow();
  });

  test("a wrong tag fails", async () => {
    const document = Buffer.from("a scanned report");
    const { encrypted, storage } = await encrypt(document);
    const tag = Buffer.from(storage.tag, "base64url");
    tag[0] ^= 0xff;
    await expect(collect(documentDecipher(ring, { ...storage, tag: tag.toString("base64url") }), [encrypted])).rejects.toThrow();
  });

  test("a truncated document fails", async () => {
    const document = crypto.randomBytes(1000);
    const { encrypted, storage } = await encrypt(document);
    await expect(collect(documentDecipher(ring, storage), [encrypted.subarray(0, 999)])).rejects.toThrow();
  });

  test("an unknown kid is refused before any byte is read", () => {
    expect(() => documentDecipher(ring, { kid: "nokey123", iv: "AAAAAAAAAAAAAAAA", tag: "AAAAAAAAAAAAAAAAAAAAAA" })).toThrow(/no encryption key with id nokey123/);
  });

  test("a document stored under the old key is readable after rotation", async () => {
    const document = crypto.randomBytes(10_000);
    const { encrypted, storage } = await encrypt(document, createKeyRing(KEY_A));
    const rotated = createKeyRing(KEY_B, `${keyId(Buffer.from(KEY_A, "base64"))}:${KEY_A}`);
    const decrypted = await collect(documentDecipher(rotated, storage), [encrypted]);
    expect(decrypted.equals(document)).toBe(true);
    // And new documents go under the new key.
    expect(documentCipher(rotated).kid).toBe(keyId(Buffer.from(KEY_B, "base64")));
  });
});
