import http from "node:http";
import { Readable } from "node:stream";

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json(): any;
  /** Bytes of the request body the client had written when the response arrived. */
  bytesSent: number;
  /** Whether the request went out on a kept-alive connection of `agent`. */
  reusedSocket: boolean;
}

export interface RawRequestOptions {
  method: string;
  headers?: Record<string, string | number>;
  /** A whole body, or a stream written chunk by chunk (chunked unless a Content-Length header is given). */
  body?: Buffer | string | Readable;
  /**
   * Send the headers and nothing else, then wait for the answer (for a Content-Length
   * the client never means to send in full).
   */
  headersOnly?: boolean;
  timeoutMs?: number;
  /**
   * A keep-alive agent: a streamed body is then ended properly once the answer arrives, and the
   * connection goes back to the agent for the next request (instead of being destroyed).
   */
  agent?: http.Agent;
}

/**
 * One HTTP request with node:http, for what fetch makes awkward: a body streamed with
 * backpressure that stops as soon as the server answers, or a declared Content-Length
 * that is never sent. Resolves with the response even when the server closes the
 * connection before the whole body went out.
 */
export function rawRequest(url: string, options: RawRequestOptions): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let bytesSent = 0;
    let responded = false;
    const request = http.request(url, { method: options.method, headers: options.headers, agent: options.agent ?? false });
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      request.destroy();
      reject(new Error(`no complete response within ${options.timeoutMs ?? 60000} ms (${bytesSent} bytes sent)`));
    }, options.timeoutMs ?? 60000);
    const done = (error: Error | null, response?: RawResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(response!);
    };
    request.on("response", (response) => {
      responded = true;
      const sentAtResponse = bytesSent;
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => done(error));
      response.on("end", () => {
        const body = Buffer.concat(chunks);
        done(null, {
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          bytesSent: sentAtResponse,
          reusedSocket: request.reusedSocket,
          json() {
            try {
              return JSON.parse(body.toString("utf8"));
            } catch {
              return undefined;
            }
          },
        });
        if (!options.agent) request.destroy();
      });
    });
    request.on("error", (error) => {
      // The server may close the connection after answering while the body is still going out.
      if (!responded) done(new Error(`request failed before any response (${bytesSent} bytes sent): ${error.message}`));
    });
    const body = options.body;
    if (options.headersOnly) {
      request.flushHeaders();
      return;
    }
    if (body === undefined) {
      request.end();
      return;
    }
    if (!(body instanceof Readable)) {
      bytesSent = Buffer.byteLength(body);
      request.end(body);
      return;
    }
    (async () => {
      for await (const chunk of body) {
        if (responded || request.destroyed) break;
        const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        const ok = request.write(buffer);
        bytesSent += buffer.length;
        if (!ok) {
          await new Promise<void>((drained) => {
            const finish = () => {
              request.off("drain", finish);
              request.off("close", finish);
              request.off("response", finish);
              drained();
            };
            request.on("drain", finish);
            request.on("close", finish);
            request.on("response", finish);
          });
        }
      }
      if (!request.destroyed) request.end();
    })().catch((error) => {
      if (!responded) done(error);
    });
  });
}

/** A stream of `total` bytes in chunks of `chunkSize`, generated lazily; `head` replaces its first bytes (a file signature). */
export function generatedBody(total: number, chunkSize = 1024 * 1024, fill = 0x41, head?: Buffer): Readable {
  let remaining = total;
  return Readable.from(
    (function* () {
      while (remaining > 0) {
        const size = Math.min(chunkSize, remaining);
        const chunk = Buffer.alloc(size, fill);
        if (remaining === total && head) head.copy(chunk);
        remaining -= size;
        yield chunk;
      }
    })(),
  );
}
