import crypto from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import { LRUCache } from "lru-cache";
import type { Role } from "../common/enums.js";

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const REFRESH_TOKEN_DAYS = 30;
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;
export const EXPORT_URL_SECONDS = 5 * 60;

const ISSUER = "meridian";

export interface AccessClaims {
  userId: string;
  role: Role;
  familyId: string;
  expiresAt: number;
}

export async function signAccessToken(secret: Uint8Array, claims: { userId: string; role: Role; familyId: string }, lifetimeSeconds = ACCESS_TOKEN_SECONDS): Promise<string> {
  return new SignJWT({ role: claims.role, fam: claims.familyId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience("meridian-api")
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
    .sign(secret);
}

/**
 * Access tokens already verified with a secret, each kept no longer than it is valid: a client
 * sends the same token with every request for its 15 minutes, and verifying it (an HMAC through
 * WebCrypto's thread pool, the claims parsed) was a measurable part of every request's CPU.
 * Only verification is cached; who the user is, and whether their sign-in still stands, is read
 * on every request (context.ts loadViewer).
 */
const verifiedTokens = new WeakMap<Uint8Array, LRUCache<string, Readonly<AccessClaims>>>();
const VERIFIED_TOKENS_KEPT = 10_000;

/** Undefined for anything that is not a valid, unexpired access token. */
export async function verifyAccessToken(secret: Uint8Array, token: string): Promise<AccessClaims | undefined> {
  let verified = verifiedTokens.get(secret);
  if (!verified) verifiedTokens.set(secret, (verified = new LRUCache({ max: VERIFIED_TOKENS_KEPT })));
  const known = verified.get(token);
  if (known) return known.expiresAt > Date.now() ? known : undefined;
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: "meridian-api", algorithms: ["HS256"] });
    if (typeof payload.sub !== "string" || typeof payload.role !== "string" || typeof payload.fam !== "string") return undefined;
    const claims = Object.freeze({ userId: payload.sub, role: payload.role as Role, familyId: payload.fam, expiresAt: (payload.exp ?? 0) * 1000 });
    verified.set(token, claims, { ttl: Math.max(claims.expiresAt - Date.now(), 1) });
    return claims;
  } catch {
    return undefined;
  }
}

/** Upload or download of one record's document; export: the archive of one patient's whole file. */
export type DocumentPurpose = "upload" | "download" | "export";

const URL_SECONDS: Record<DocumentPurpose, number> = { upload: UPLOAD_URL_SECONDS, download: DOWNLOAD_URL_SECONDS, export: EXPORT_URL_SECONDS };

export interface DocumentClaims {
  /** The record (upload, download) or the patient (export). */
  objectId: string;
  userId: string;
  jti: string;
  expiresAt: Date;
}

/** A single-purpose token for a document URL; its jti makes it single-use. */
export async function signDocumentToken(secret: Uint8Array, purpose: DocumentPurpose, objectId: string, userId: string): Promise<string> {
  const lifetime = URL_SECONDS[purpose];
  return new SignJWT({ rec: objectId })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(`meridian-${purpose}`)
    .setJti(crypto.randomUUID())
    .setExpirationTime(Math.floor(Date.now() / 1000) + lifetime)
    .sign(secret);
}

export async function verifyDocumentToken(secret: Uint8Array, purpose: DocumentPurpose, token: string): Promise<DocumentClaims | undefined> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, audience: `meridian-${purpose}`, algorithms: ["HS256"] });
    if (typeof payload.rec !== "string" || typeof payload.sub !== "string" || typeof payload.jti !== "string") return undefined;
    return { objectId: payload.rec, userId: payload.sub, jti: payload.jti, expiresAt: new Date((payload.exp ?? 0) * 1000) };
  } catch {
    return undefined;
  }
}

/** Opaque tokens (refresh tokens, invitation links): random, stored only as a SHA-256. */
export function newOpaqueToken(): string {
  return crypto.randomBytes(32).toString("base64url");
}

/**
 * The refresh token that succeeds `predecessor` in its family, derived (HMAC with the server
 * secret) rather than random: a client presenting the predecessor again within the reuse
 * grace window gets the same successor back, and the server never stores it in plain text.
 * Only whoever holds both the predecessor and the secret can compute it.
 */
export function successorRefreshToken(secret: Uint8Array, predecessor: string): string {
  return crypto.createHmac("sha256", secret).update(`meridian-refresh-successor:${predecessor}`).digest("base64url");
}

export function hashOpaqueToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
