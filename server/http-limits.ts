import http from "node:http";
import type { RequestHandler } from "express";
import type { Config } from "./config.js";

const TOO_MANY_CONNECTIONS = (() => {
  const body = JSON.stringify({ code: "RATE_LIMITED", message: "Too many connections from this address" });
  return `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
})();

/**
 * The node:http server with every connection bounded: how many at once (in all, and per client
 * address), how long headers may trickle, how long a kept-alive connection may wait, how long
 * one may sit idle. Request bodies are bounded by `bodyDeadlines`.
 */
export function createHttpServer(config: Config, handler: http.RequestListener): http.Server {
  const server = http.createServer(
    {
      headersTimeout: config.headersTimeoutMs,
      // Bodies are bounded per route by bodyDeadlines: uploads by a minimum rate, not a flat time.
      requestTimeout: 0,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      // How often node checks the headers timeout (its default, 30 s, would triple a 10 s limit).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(config.headersTimeoutMs / 4))),
    },
    handler,
  );
  // Past this node drops new connections at once, before they cost a file for a request.
  server.maxConnections = config.maxConnections;
  server.timeout = config.idleTimeoutMs;
  const perAddress = new Map<string, number>();
  server.on("connection", (socket) => {
    const address = socket.remoteAddress ?? "";
    const open = perAddress.get(address) ?? 0;
    if (open >= config.connectionsPerAddress) {
      socket.write(TOO_MANY_CONNECTIONS, () => socket.destroy());
      return;
    }
    perAddress.set(address, open + 1);
    socket.once("close", () => {
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
  });
  return server;
}

export const isUploadRequest = (req: http.IncomingMessage) => req.method === "PUT" && (req.url ?? "").startsWith("/documents/upload/");

/**
 * Answers 408 when nothing was sent yet, then closes the connection: its body is not worth waiting
 * for. The request itself is destroyed (not just its socket): once answered, node detaches it from
 * the socket, and whoever still reads it (an upload being stored) would otherwise wait forever.
 */
function cutOff(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (res.headersSent) {
    req.destroy();
    return;
  }
  res.once("finish", () => req.destroy());
  res.writeHead(408, { "Content-Type": "application/json", Connection: "close" });
  res.end(JSON.stringify({ code: "REQUEST_TIMEOUT", message: "The request body did not arrive in time" }));
}

/**
 * Request bodies arrive in time or the connection is closed: within `bodyTimeoutMs`, or for
 * uploads (up to 50 MB on a slow line) at no less than `uploadMinBytes` per `uploadRateWindowMs`.
 * Counted on the socket, so a body that no handler reads (a refused upload URL) is bounded too.
 */
export function bodyDeadlines(config: Config): RequestHandler {
  return (req, res, next) => {
    if (req.complete) return next();
    let timer: NodeJS.Timeout;
    if (isUploadRequest(req)) {
      let seen = req.socket.bytesRead;
      timer = setInterval(() => {
        const read = req.socket.bytesRead;
        if (!req.complete && read - seen < config.uploadMinBytes) cutOff(req, res);
        seen = read;
      }, config.uploadRateWindowMs);
    } else {
      timer = setTimeout(() => {
        if (!req.complete) cutOff(req, res);
      }, config.bodyTimeoutMs);
    }
    const stop = () => clearTimeout(timer);
    req.once("end", stop);
    req.once("close", stop);
    res.once("close", () => {
      if (req.complete) stop();
    });
    next();
  };
}
