import { Readable } from "node:stream";
import { filetypename } from "magic-bytes.js";
import { BadUserInputError } from "../errors.js";

/** What may be uploaded, with the extension a download is named with. */
export const DOCUMENT_TYPES: Record<string, string> = {
  "application/pdf": "pdf",
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/tiff": "tif",
  "application/dicom": "dcm",
  "text/plain": "txt",
};

/** The signatures (magic-bytes.js type names) each declared binary type must start with. */
const SIGNATURES: Record<string, readonly string[]> = {
  "application/pdf": ["pdf"],
  "image/png": ["png"],
  "image/jpeg": ["jpg"],
  "image/tiff": ["tif", "tiff"],
  // A DICOM file (Part 10) has a 128-byte preamble, then "DICM".
  "application/dicom": ["dcm"],
};

/** Enough of the head for every signature checked (DICOM's ends at byte 132) and for text's "no binary signature". */
export const SNIFF_BYTES = 4096;

/**
 * A body refused for what it holds: empty (400), or not what its Content-Type claims (415,
 * as RFC 9110 allows for a format problem found by inspecting the data). Both name `body`.
 */
export class DocumentBodyError extends BadUserInputError {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super("body", message);
  }
}

/** Whether the first bytes of a document (up to SNIFF_BYTES, or all of a shorter one) fit its declared type. */
export function headMatches(contentType: string, head: Uint8Array): boolean {
  const found = filetypename(head);
  const expected = SIGNATURES[contentType];
  if (expected) return found.some((name) => expected.includes(name));
  // Plain text must not carry the signature of a type taken here (a PDF is uploaded as a PDF).
  // Other formats' signatures are not refused as such: short ASCII ones ("BM" for BMP, "ID3")
  // begin ordinary sentences, and real binaries fail the UTF-8 and NUL checks as the body streams.
  const binary = Object.values(SIGNATURES).flat();
  return contentType === "text/plain" && !found.some((name) => binary.includes(name));
}

/** A check of plain text as it streams, chunk by chunk: UTF-8 without NUL. Throws at the first fault. */
function plainTextCheck(): { chunk(bytes: Buffer): void; end(): void } {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const refuse = () => new DocumentBodyError(415, "A text/plain document must be UTF-8 text without NUL characters");
  const decode = (bytes?: Buffer) => {
    try {
      decoder.decode(bytes, { stream: bytes !== undefined });
    } catch {
      throw refuse();
    }
  };
  return {
    chunk(bytes) {
      if (bytes.includes(0)) throw refuse();
      decode(bytes);
    },
    end: () => decode(),
  };
}

/**
 * Reads the first bytes of an upload (never the whole body), refuses an empty body or one
 * whose head does not match the declared type, and returns the whole body as a stream again.
 * On refusal the source is destroyed, so nothing more of it is read.
 */
export async function inspectedBody(source: Readable, contentType: string): Promise<Readable> {
  const chunks = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let size = 0;
  let ended = false;
  try {
    while (size < SNIFF_BYTES) {
      const next = await chunks.next();
      if (next.done) {
        ended = true;
        break;
      }
      const chunk = next.value as Buffer;
      head.push(chunk);
      size += chunk.length;
    }
    if (size === 0) throw new DocumentBodyError(400, "The document is empty");
    if (!headMatches(contentType, Buffer.concat(head).subarray(0, SNIFF_BYTES))) {
      throw new DocumentBodyError(415, `The document is not what its content type (${contentType}) says`);
    }
  } catch (error) {
    await chunks.return?.();
    throw error;
  }
  const text = contentType === "text/plain" ? plainTextCheck() : undefined;
  return Readable.from(
    (async function* () {
      try {
        for (const chunk of head) {
          text?.chunk(chunk);
          yield chunk;
        }
        while (!ended) {
          const next = await chunks.next();
          if (next.done) break;
          const chunk = next.value as Buffer;
          text?.chunk(chunk);
          yield chunk;
        }
        text?.end();
      } finally {
        // Stopped early (over the limit, or refused): the rest of the source is not read.
        await chunks.return?.();
      }
    })(),
    { objectMode: false },
  );
}
