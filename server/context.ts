import crypto from "node:crypto";
import type { DataSource } from "typeorm";
import { verifyAccessToken } from "./auth/tokens.js";
import type { Viewer } from "./auth/viewer.js";
import type { ReadEntry } from "./audit/read-audit.js";
import { createLoaders, type Loaders } from "./loaders.js";
import type { Runtime } from "./runtime.js";

/** One per HTTP request, or per operation on a socket: the first argument of every service call. */
export interface RequestContext {
  runtime: Runtime;
  db: DataSource;
  requestId: string;
  clientAddress: string | null;
  viewer: Viewer | null;
  /** When the access token expires (ms since epoch), for sockets that must close then. */
  tokenExpiresAt: number | null;
  /** The sign-in (refresh-token family) the access token belongs to, when known. */
  sessionFamilyId?: string | null;
  loaders: Loaders;
  /** The request's Authorization header until authenticate() settles the viewer; absent when the viewer is known. */
  authorization?: string;
  viewerSettled?: Promise<void>;
  /** Reads of personal health data, written to the audit trail when the request ends. */
  pendingReads: ReadEntry[];
}

export interface ContextInput {
  authorization: string | undefined;
  requestId?: string;
  clientAddress: string | null;
}

/** Resolves a bearer token to a Viewer; undefined when the token is absent, invalid, expired or its user disabled. */
export async function resolveViewer(runtime: Runtime, authorization: string | undefined): Promise<{ viewer: Viewer; expiresAt: number; familyId: string } | undefined> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
  if (!match) return undefined;
  const claims = await verifyAccessToken(runtime.jwtSecret, match[1]);
  if (!claims) return undefined;
  const viewer = await loadViewer(runtime, claims.userId, claims.familyId);
  if (!viewer || viewer.role !== claims.role) return undefined;
  return { viewer, expiresAt: claims.expiresAt, familyId: claims.familyId };
}

/**
 * The user as a Viewer (with their patient or reviewer profile), or undefined when missing
 * or disabled, or, given the token's session family, when that sign-in was ended
 * (sign-out, or a reused refresh token): access tokens die with their session.
 * Read on every request (auth/viewer-reader.ts).
 */
export function loadViewer(runtime: Runtime, userId: string, familyId?: string): Promise<Viewer | undefined> {
  return runtime.viewers({ userId, familyId: familyId ?? null });
}

export function buildContext(runtime: Runtime, input: ContextInput, resolved: { viewer: Viewer; expiresAt: number } | undefined): RequestContext {
  const viewer = resolved?.viewer ?? null;
  return {
    runtime,
    db: runtime.db,
    requestId: input.requestId ?? crypto.randomUUID(),
    clientAddress: input.clientAddress,
    viewer,
    tokenExpiresAt: resolved?.expiresAt ?? null,
    loaders: createLoaders(runtime.db, viewer),
    pendingReads: [],
  };
}

/**
 * The context of an HTTP request. Who the viewer is is settled lazily, by the first
 * resolver to run (authenticate), so a document refused at validation costs no SQL.
 */
export function createContext(runtime: Runtime, input: ContextInput): RequestContext {
  return { ...buildContext(runtime, input, undefined), authorization: input.authorization ?? "" };
}

/**
 * Settles `ctx.viewer` from the request's token, once per context (Apollo may copy the context
 * per operation), and counts the request against the user's rate (RATE_LIMITED once over it).
 */
export function authenticate(ctx: RequestContext): Promise<void> {
  if (ctx.authorization === undefined) return Promise.resolve();
  ctx.viewerSettled ??= resolveViewer(ctx.runtime, ctx.authorization).then(async (resolved) => {
    ctx.viewer = resolved?.viewer ?? null;
    ctx.tokenExpiresAt = resolved?.expiresAt ?? null;
    ctx.sessionFamilyId = resolved?.familyId ?? null;
    ctx.loaders = createLoaders(ctx.db, ctx.viewer);
    if (ctx.viewer) await ctx.runtime.quotas.request(ctx.viewer.userId);
  });
  return ctx.viewerSettled;
}

/**
 * After a sign-in (login, activation, refresh, reset), the rest of the request is the signed-in
 * user's: the payload's fields (user.patient...) resolve with their rights, exactly as they
 * would on their next request, and reads are audited in their name.
 */
export function adoptViewer(ctx: RequestContext, viewer: Viewer, expiresAt: number, familyId: string): void {
  ctx.viewer = viewer;
  ctx.tokenExpiresAt = expiresAt;
  ctx.sessionFamilyId = familyId;
  ctx.loaders = createLoaders(ctx.db, viewer);
  ctx.authorization = undefined;
  ctx.viewerSettled = Promise.resolve();
}

/**
 * Writes the request's buffered read audit entries, each distinct read once, and waits until
 * they are committed (server/audit/read-audit.ts writes concurrent requests' reads together).
 */
export async function flushReadAudit(ctx: RequestContext): Promise<void> {
  if (ctx.pendingReads.length === 0) return;
  const reads = [...new Map(ctx.pendingReads.map((r) => [`${r.action}:${r.objectType}:${r.objectId}`, r])).values()];
  ctx.pendingReads = [];
  await ctx.runtime.readAudit.write({
    actorUserId: ctx.viewer?.userId ?? null,
    actorRole: ctx.viewer?.role ?? null,
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
    reads,
  });
}
