import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { ValidationError } from "class-validator";
import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "./logger.js";
import { limitRefusal } from "./schema/armor.js";
import { fieldOfVariableMessage } from "./schema/variable-paths.js";

/** The codes of DESIGN.md; every error a client sees carries one. */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "BAD_USER_INPUT"
  | "CONFLICT"
  | "TRANSITION_NOT_ALLOWED"
  | "PAYLOAD_TOO_LARGE"
  | "RATE_LIMITED"
  | "SERVICE_UNAVAILABLE"
  | "INTERNAL_SERVER_ERROR";

/** Base of every error the domain raises on purpose; its message is safe to show. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class UnauthenticatedError extends DomainError {
  readonly code = "UNAUTHENTICATED";
  constructor(message = "Sign in to continue") {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  readonly code = "FORBIDDEN";
  constructor(message = "You may not do this") {
    super(message);
  }
}

/** Same message whether the object is missing or hidden from the viewer: existence does not leak. */
export class NotFoundError extends DomainError {
  readonly code = "NOT_FOUND";
  constructor(readonly what: string) {
    super(`${what} not found`);
  }
}

/** Resolves to undefined when `work` finds nothing (NOT_FOUND); any other failure (the database down) propagates. */
export async function unlessNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export class BadUserInputError extends DomainError {
  readonly code = "BAD_USER_INPUT";
  constructor(readonly field: string, message: string) {
    super(message);
  }
  override extensions() {
    return { field: this.field };
  }
}

export class ConflictError extends DomainError {
  readonly code = "CONFLICT";
  constructor(message: string, readonly field?: string) {
    super(message);
  }
  override extensions() {
    return this.field ? { field: this.field } : {};
  }
}

export class TransitionNotAllowedError extends DomainError {
  readonly code = "TRANSITION_NOT_ALLOWED";
  constructor(message: string, readonly missing: string[]) {
    super(message);
  }
  override extensions() {
    return { missing: this.missing };
  }
}

export class PayloadTooLargeError extends DomainError {
  readonly code = "PAYLOAD_TOO_LARGE";
  constructor(message = "The document is over the size limit") {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = "RATE_LIMITED";
  constructor(readonly retryAfterSeconds: number) {
    super("Too many attempts; try again later");
  }
  override extensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

export class ServiceUnavailableError extends DomainError {
  readonly code = "SERVICE_UNAVAILABLE";
  constructor() {
    super("The service is unavailable; retry later");
  }
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004"]);
/** PostgreSQL out of room or time: disk full (53100), out of memory or connections (53xxx), statement timeout (57014). */
const DATABASE_OVERLOADED_CODES = new Set(["53000", "53100", "53200", "53300", "53400", "57014"]);

/** A full disk or an exhausted quota, ours (ENOSPC, EDQUOT) or PostgreSQL's (53100): an expected condition, not a fault. */
export function isStorageFull(error: unknown): boolean {
  const e = error as { code?: string; driverError?: unknown; originalError?: unknown } | undefined;
  if (!e) return false;
  if (e.code === "ENOSPC" || e.code === "EDQUOT" || e.code === "53100") return true;
  return isStorageFull(e.driverError) || (e.originalError !== e && isStorageFull(e.originalError));
}

/** True for errors that mean "the database is out of reach", not "the query is wrong". */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string; driverError?: unknown } | undefined;
  if (!e) return false;
  if (e.driverError && isDatabaseUnavailable(e.driverError)) return true;
  if (e.code && (CONNECTION_ERROR_CODES.has(e.code) || DATABASE_OVERLOADED_CODES.has(e.code))) return true;
  const message = e.message ?? "";
  // "Query read timeout": the driver's query_timeout, when PostgreSQL does not answer at all.
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED|Client has encountered a connection error|Query read timeout/i.test(message);
}

/** Turns anything thrown into a DomainError when it is one, wrapped (by graphql-js or Apollo) or in disguise (database down). */
export function asDomainError(error: unknown): DomainError | undefined {
  if (error instanceof DomainError) return error;
  const wrapped = (error as { originalError?: unknown } | undefined)?.originalError;
  if (wrapped && wrapped !== error) {
    const inner = asDomainError(wrapped);
    if (inner) return inner;
  }
  if (isDatabaseUnavailable(error)) return new ServiceUnavailableError();
  return undefined;
}

function firstConstraintPath(errors: ValidationError[], prefix: string): { field: string; message: string } | undefined {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) {
      return { field, message: Object.values(error.constraints)[0] };
    }
    const nested = firstConstraintPath(error.children ?? [], field);
    if (nested) return nested;
  }
  return undefined;
}

/** Builds the BAD_USER_INPUT error for a failed class-validator check of argument `argName`. */
export function validationFailure(argName: string, errors: ValidationError[]): BadUserInputError {
  const first = firstConstraintPath(errors, argName) ?? { field: argName, message: "is invalid" };
  return new BadUserInputError(first.field, `${first.field}: ${first.message}`);
}

/** The document a GraphQL error came from, parsed again (only ever for an error about variables). */
function documentOf(error: unknown): DocumentNode | undefined {
  const body = error instanceof GraphQLError ? error.source?.body : undefined;
  if (!body) return undefined;
  try {
    return parse(body);
  } catch {
    return undefined;
  }
}

/**
 * The code of an error that graphql-js or Apollo raise about the request itself without
 * giving it one: graphql-js stops coercing variables after 50 bad values ("Too many
 * errors processing variables"), Apollo refuses a persisted query whose hash does not match
 * with a bare 400. The client's input, not a fault of the server.
 */
function codeOfCodelessRequestError(error: unknown): "BAD_USER_INPUT" | "BAD_REQUEST" | undefined {
  if (!(error instanceof GraphQLError) || error.extensions?.code || error.originalError) return undefined;
  if (error.message.startsWith("Too many errors processing variables")) return "BAD_USER_INPUT";
  const status = (error.extensions?.http as { status?: unknown } | undefined)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? "BAD_REQUEST" : undefined;
}

/**
 * For paths Apollo's formatter does not cover (the WebSocket): a GraphQLError that keeps
 * a domain error's code, gives a code-less GraphQLError `fallbackCode`, and masks the rest.
 */
export function codedGraphQLError(error: unknown, fallbackCode = "BAD_USER_INPUT"): GraphQLError {
  const domain = asDomainError(error);
  if (domain) return new GraphQLError(domain.message, { extensions: { code: domain.code, ...domain.extensions() } });
  if (error instanceof GraphQLError) {
    return error.extensions?.code ? error : new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: fallbackCode } });
  }
  return new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } });
}

/** True for what nobody meant to throw: these are masked and logged. */
export function isUnexpected(error: unknown): boolean {
  const original = unwrapResolverError(error);
  if (asDomainError(original) || codeOfCodelessRequestError(original)) return false;
  return !(original instanceof GraphQLError) || !original.extensions?.code || original.extensions.code === "INTERNAL_SERVER_ERROR";
}

/**
 * The one place that shapes errors for clients: domain errors keep their code and
 * message; anything unexpected is masked (the request id is stamped on by the
 * request-id plugin, which also logs it).
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  const domain = asDomainError(original);
  if (domain) {
    return {
      message: domain.message,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: domain.code, ...domain.extensions() },
    };
  }
  const requestErrorCode = codeOfCodelessRequestError(original);
  if (requestErrorCode) {
    return { message: formatted.message, locations: formatted.locations, extensions: { code: requestErrorCode } };
  }
  if (isUnexpected(error)) {
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  }
  const code = formatted.extensions?.code;
  // Over the token limit is over a limit, like depth or aliases: refused as such (still HTTP 400).
  const limit = code === "GRAPHQL_PARSE_FAILED" && original instanceof GraphQLError ? limitRefusal(original) : undefined;
  if (limit) return { message: limit.message, locations: formatted.locations, extensions: limit.extensions };
  if (code === "BAD_USER_INPUT") {
    return { ...formatted, extensions: { ...formatted.extensions, field: fieldOfVariableMessage(formatted.message, documentOf(unwrapResolverError(error))) } };
  }
  return formatted;
}

/** Logs an unexpected error by its kind and stack only: driver messages may quote personal data. */
export function logUnexpected(logger: Logger, error: unknown, fields: Record<string, unknown>): void {
  const e = unwrapResolverError(error) as { name?: string; code?: string; constraint?: string; stack?: string } | undefined;
  const frames = (e?.stack ?? "").split("\n").slice(1, 8).map((line) => line.trim());
  logger.error({ ...fields, errorName: e?.name, errorCode: e?.code, constraint: e?.constraint, frames }, "unexpected error");
}

/**
 * A request body refused before GraphQL sees it (over the size limit, not JSON, a bad
 * charset) answers like any GraphQL error, with a code, instead of express's HTML error
 * page (which also quotes a stack trace outside NODE_ENV=production).
 */
export const requestBodyErrors: ErrorRequestHandler = (error, _req, res, next) => {
  const e = error as { type?: unknown; status?: unknown; expose?: unknown } | undefined;
  const status = typeof e?.status === "number" ? e.status : 0;
  if (res.headersSent || typeof e?.type !== "string" || e.expose !== true || status < 400 || status >= 500) return next(error);
  const [code, message] =
    status === 413 ? ["PAYLOAD_TOO_LARGE", "The request body is over the size limit"] : ["BAD_REQUEST", "The request body is not a JSON GraphQL request"];
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
};

/** Every path nothing else serves answers JSON, like the API, never express's HTML page. */
export const unknownRoute: RequestHandler = (_req, res) => {
  res.status(404).json({ code: "NOT_FOUND", message: "No such route" });
};

/**
 * Errors no route handled: a client's malformed request (express marks those with a 4xx
 * status) answers BAD_REQUEST; anything else is logged and masked, in JSON.
 */
export function lastResortErrors(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const status = (error as { status?: unknown } | undefined)?.status;
    const clientError = typeof status === "number" && status >= 400 && status < 500;
    const requestId = (req as { requestId?: string }).requestId;
    if (!clientError) logUnexpected(logger, error, { requestId, step: "http" });
    if (res.headersSent) return void res.destroy();
    if (clientError) return void res.status(status).json({ code: status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" });
    res.status(500).json({ code: "INTERNAL_SERVER_ERROR", requestId });
  };
}
