import type http from "node:http";
import { getArgumentValues, getOperationAST, getVariableValues, GraphQLError, parse, print, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type ValidationRule } from "graphql";
import { GRAPHQL_LIMITS, limitRefusal } from "../schema/armor.js";
import { CloseCode, handleProtocols, makeServer } from "graphql-ws";
import { WebSocketServer, type WebSocket } from "ws";
import { decideOperation } from "../auth/policy.js";
import type { Viewer } from "../auth/viewer.js";
import { buildContext, resolveViewer } from "../context.js";
import { codedGraphQLError, ForbiddenError, logUnexpected } from "../errors.js";
import { isUuid } from "../common/input.js";
import { findVisibleCase } from "../cases/case-access.js";
import type { Runtime } from "../runtime.js";
import type { EventHub, SubscriptionField, SubscriptionRequest } from "./event-hub.js";
import { parseEventId } from "./case-event.service.js";
import { fieldOfVariableMessage } from "../schema/variable-paths.js";

export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_TOKEN_EXPIRED = 4403;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_TRY_AGAIN_LATER = 1013;
/** The user already holds MERIDIAN_WS_PER_USER sockets. graphql-ws clients do not retry 4429 (as for too many connection_init). */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;

/** What graphql-ws hands our hooks about a socket. */
interface Extra {
  socket: WebSocket;
  request: http.IncomingMessage;
}

interface ConnectionState {
  viewer: Viewer;
  familyId: string;
}

/** How often open sockets are checked against their sign-in (sign-out, a reused refresh token, a disabled account). */
export const SESSION_RECHECK_MS = 30_000;

const SUBSCRIPTION_FIELDS = new Set<string>(["caseStatusChanged", "caseActivity"]);

/**
 * graphql-ws on the HTTP server's port and path. The access token travels in
 * connection_init; a missing or invalid one closes the socket with 4401, and the
 * socket closes with 4403 when the token expires, so clients reconnect with a fresh one.
 */
export interface WebSocketOptions {
  verifyOrigin: (origin: string | undefined, host: string | undefined) => boolean;
  validationRules: readonly ValidationRule[];
  /** Production hides field suggestions ("Did you mean ...") from validation messages. */
  maskValidationError: (error: GraphQLError) => GraphQLError;
  sessionRecheckMs?: number;
}

export function attachWebSocketServer(httpServer: http.Server, runtime: Runtime, schema: GraphQLSchema, hub: EventHub, options: WebSocketOptions) {
  const { config, logger } = runtime;
  const socketsPerAddress = new Map<string, number>();
  const socketsPerUser = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({
    server: httpServer,
    path: "/graphql",
    maxPayload: 64 * 1024,
    handleProtocols,
    verifyClient: ({ req }: { req: http.IncomingMessage }, done: (ok: boolean, status?: number, message?: string) => void) => {
      if (!options.verifyOrigin(req.headers.origin, req.headers.host)) return done(false, 401);
      if ((socketsPerAddress.get(req.socket.remoteAddress ?? "") ?? 0) >= config.webSocketsPerAddress) return done(false, 429, "Too many connections");
      done(true);
    },
  });
  const states = new WeakMap<WebSocket, ConnectionState>();
  const validDocuments = new DocumentCache(VALID_DOCUMENTS_KEPT);

  const server = makeServer<Record<string, unknown> | undefined, Extra>(
    {
      schema,
      connectionInitWaitTimeout: config.webSocketInitTimeoutMs,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const authorization = typeof ctx.connectionParams?.authorization === "string" ? ctx.connectionParams.authorization : undefined;
        let resolved;
        try {
          resolved = await resolveViewer(runtime, authorization);
        } catch {
          // The database is out of reach: not the client's fault, and graphql-ws clients retry 1013.
          socket.close(CLOSE_TRY_AGAIN_LATER, "Try again later");
          return false;
        }
        if (!resolved) {
          socket.close(CLOSE_UNAUTHORIZED, "Unauthorized");
          return false;
        }
        const userSockets = socketsPerUser.get(resolved.viewer.userId) ?? new Set<WebSocket>();
        if (userSockets.size >= config.webSocketsPerUser) {
          socket.close(CLOSE_TOO_MANY_CONNECTIONS, "Too many connections");
          return false;
        }
        userSockets.add(socket);
        socketsPerUser.set(resolved.viewer.userId, userSockets);
        const expiryTimer = setTimeout(() => socket.close(CLOSE_TOKEN_EXPIRED, "Token expired"), Math.max(resolved.expiresAt - Date.now(), 0));
        expiryTimer.unref();
        socket.once("close", () => {
          clearTimeout(expiryTimer);
          userSockets.delete(socket);
          if (userSockets.size === 0) socketsPerUser.delete(resolved.viewer.userId);
        });
        states.set(socket, { viewer: resolved.viewer, familyId: resolved.familyId });
        return true;
      },
      // Our subscriptions are checked here, so a refusal is a graphql-ws "error" message.
      onSubscribe: async (ctx, subscriptionId, payload) => {
        // graphql-ws lists this one already, from the moment it arrives until it ends.
        if (Object.keys(ctx.subscriptions).length > runtime.config.subscriptionsPerSocket) return [tooManySubscriptions("connection", runtime.config.subscriptionsPerSocket)];
        let document = validDocuments.get(payload.query);
        if (!document) {
          try {
            document = parse(payload.query, { maxTokens: GRAPHQL_LIMITS.maxTokens });
          } catch (error) {
            return [(error instanceof GraphQLError && limitRefusal(error)) || codedGraphQLError(error, "GRAPHQL_PARSE_FAILED")];
          }
          const validation = validate(schema, document, options.validationRules);
          if (validation.length > 0) return validation.map((error) => codedGraphQLError(options.maskValidationError(error), "GRAPHQL_VALIDATION_FAILED"));
          validDocuments.set(payload.query, document);
        }
        const args: ExecutionArgs = { schema, document, operationName: payload.operationName, variableValues: payload.variables };
        const field = subscriptionField(args);
        // Queries and mutations go over HTTP, where the audit, error masking and limits live.
        if (!field) return [new GraphQLError("Only the subscriptions caseStatusChanged and caseActivity are served over the WebSocket", { extensions: { code: "BAD_USER_INPUT", field: "query" } })];
        const operation = getOperationAST(document, payload.operationName)!;
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {});
        if (coerced.errors) {
          return coerced.errors.map((error) => new GraphQLError(error.message, { extensions: { code: "BAD_USER_INPUT", field: fieldOfVariableMessage(error.message, document) } }));
        }
        args.variableValues = coerced.coerced;
        const socket = ctx.extra.socket;
        const viewer = states.get(socket)!.viewer;
        const request = ctx.extra.request;
        try {
          if (decideOperation(`Subscription.${field}`, viewer) !== "ALLOW") throw new ForbiddenError();
          const values = subscriptionArguments(args, field);
          const clientAddress = request.socket.remoteAddress ?? null;
          if (values.caseId) {
            const check = buildContext(runtime, { authorization: undefined, clientAddress }, { viewer, expiresAt: Number.MAX_SAFE_INTEGER });
            await findVisibleCase(check, values.caseId);
          }
          const release = hub.reserve(viewer.userId, runtime.config.subscriptionsPerUser);
          if (!release) return [tooManySubscriptions("user", runtime.config.subscriptionsPerUser)];
          const hubRequest: SubscriptionRequest = {
            field,
            viewer,
            caseId: values.caseId,
            after: values.after,
            document,
            documentKey: `${validDocuments.printed(document)}\u0000${payload.operationName ?? ""}\u0000${JSON.stringify(payload.variables ?? {})}`,
            operationName: payload.operationName,
            variableValues: payload.variables,
            clientAddress,
            subscriptionId,
            send: (message) => socket.send(message),
            bufferedBytes: () => socket.bufferedAmount,
            release,
          };
          return { ...args, contextValue: { hubRequest } };
        } catch (error) {
          return [codedGraphQLError(error)];
        }
      },
      // Every operation reaching here was admitted by onSubscribe, which set its hub request.
      subscribe: async (args: ExecutionArgs) => hub.subscribe((args.contextValue as { hubRequest: SubscriptionRequest }).hubRequest),
    },
  );

  wss.on("error", (error) => logUnexpected(logger, error, { step: "websocket server" }));
  wss.on("connection", (socket, request) => {
    const address = request.socket.remoteAddress ?? "";
    socketsPerAddress.set(address, (socketsPerAddress.get(address) ?? 0) + 1);
    // A client's protocol fault (an oversized or malformed frame): ws has already closed the socket with
    // its code (1009, 1002, ...). graphql-ws's own ws adapter (use/ws) prints these with console.error,
    // outside the log, which is why this file wires ws to graphql-ws's makeServer itself.
    socket.on("error", (error: Error & { code?: string }) => logger.warn({ errorCode: error.code }, "websocket closed on a protocol error"));
    // Keep-alive: a peer that has not answered the previous ping by the next one is gone.
    let answered = true;
    socket.on("pong", () => (answered = true));
    const pinger = setInterval(() => {
      if (!answered) return socket.terminate();
      answered = false;
      socket.ping();
    }, config.webSocketPingMs);
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (error) => (error ? reject(error) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (handle) =>
          socket.on("message", async (data) => {
            try {
              await handle(String(data));
            } catch (error) {
              logUnexpected(logger, error, { step: "websocket message" });
              socket.close(CloseCode.InternalServerError, "Internal server error");
            }
          }),
      },
      { socket, request },
    );
    socket.once("close", (code, reason) => {
      clearInterval(pinger);
      const left = (socketsPerAddress.get(address) ?? 1) - 1;
      if (left > 0) socketsPerAddress.set(address, left);
      else socketsPerAddress.delete(address);
      closed(code, String(reason)).catch((error) => logUnexpected(logger, error, { step: "websocket close" }));
    });
  });

  /** One query for every open socket: those whose sign-in ended close with 4403 (the client's refresh then fails). */
  const recheckSessions = async () => {
    const open = [...wss.clients].filter((socket) => states.has(socket));
    if (open.length === 0) return;
    const families = [...new Set(open.map((socket) => states.get(socket)!.familyId))];
    const rows: Array<{ family_id: string }> = await runtime.db.query(
      `SELECT DISTINCT s.family_id FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.family_id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND u.disabled_at IS NULL`,
      [families],
    );
    const live = new Set(rows.map((row) => row.family_id));
    for (const socket of open) if (!live.has(states.get(socket)!.familyId)) socket.close(CLOSE_TOKEN_EXPIRED, "Session ended");
  };
  const recheckTimer = setInterval(() => {
    recheckSessions().catch((error) => runtime.logger.warn({ errorName: (error as Error).name }, "session recheck failed"));
  }, options.sessionRecheckMs ?? SESSION_RECHECK_MS);
  recheckTimer.unref();

  return {
    wss,
    recheckSessions,
    /** Closes every socket with 1001 (going away) so clients resume elsewhere. */
    async close(): Promise<void> {
      clearInterval(recheckTimer);
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, "Server shutting down");
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Distinct subscription documents kept parsed and validated: clients send the same few texts. */
const VALID_DOCUMENTS_KEPT = 500;

/**
 * Subscription documents that parsed and passed validation, by their text, with their
 * printed form (the hub's grouping key). Subscribers of one text share one document: at
 * ten thousand subscribers a parsed document each (its tokens and locations) was a good
 * part of their memory, and parsing and validating each a good part of subscribing.
 * The oldest entry goes once the cache is full; validation depends only on the text.
 */
class DocumentCache {
  private readonly documents = new Map<string, DocumentNode>();
  private readonly printedForm = new WeakMap<DocumentNode, string>();

  constructor(private readonly size: number) {}

  get(text: string): DocumentNode | undefined {
    return this.documents.get(text);
  }

  set(text: string, document: DocumentNode): void {
    if (this.documents.size >= this.size) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(text, document);
  }

  printed(document: DocumentNode): string {
    let text = this.printedForm.get(document);
    if (text === undefined) this.printedForm.set(document, (text = print(document)));
    return text;
  }
}

const tooManySubscriptions = (holder: "connection" | "user", limit: number) =>
  new GraphQLError(`Too many live subscriptions for this ${holder} (at most ${limit}); end one first`, { extensions: { code: "RATE_LIMITED", limit } });

/** Which of our subscription fields the operation subscribes to, if any. */
function subscriptionField(args: ExecutionArgs): SubscriptionField | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (operation?.operation !== "subscription") return undefined;
  const fields = operation.selectionSet.selections;
  const name = fields.length === 1 && fields[0].kind === "Field" ? fields[0].name.value : undefined;
  return name && SUBSCRIPTION_FIELDS.has(name) ? (name as SubscriptionField) : undefined;
}

/** The subscription's arguments, coerced as graphql-js would (variables, defaults), then checked like any other input. */
function subscriptionArguments(args: ExecutionArgs, field: string): { caseId: string | null; after: string | null } {
  const operation = getOperationAST(args.document, args.operationName)!;
  const node = operation.selectionSet.selections[0];
  if (node.kind !== "Field") throw new GraphQLError("Unexpected selection", { extensions: { code: "BAD_USER_INPUT", field: "query" } });
  const definition = args.schema.getSubscriptionType()!.getFields()[field];
  const values = getArgumentValues(definition, node, args.variableValues ?? {});
  const caseId = values.caseId === undefined || values.caseId === null ? null : String(values.caseId);
  if (caseId !== null && !isUuid(caseId)) throw new GraphQLError("caseId is not a valid id", { extensions: { code: "BAD_USER_INPUT", field: "caseId" } });
  const after = values.after === undefined || values.after === null ? null : String(values.after);
  try {
    return { caseId, after: after === null ? null : parseEventId(after, "after") };
  } catch (error) {
    throw codedGraphQLError(error);
  }
}
