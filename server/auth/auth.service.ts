import crypto from "node:crypto";
import { IsNull, Not, type EntityManager } from "typeorm";
import { adoptViewer, loadViewer, type RequestContext } from "../context.js";
import { UnauthenticatedError } from "../errors.js";
import { audit } from "../audit/audit.service.js";
import { normaliseEmail } from "../common/input.js";
import { UserEntity } from "../users/user.entity.js";
import { AuthSessionEntity } from "./auth-session.entity.js";
import { dummyPasswordHash } from "./password.js";
import { ACCESS_TOKEN_SECONDS, hashOpaqueToken, newOpaqueToken, REFRESH_TOKEN_DAYS, signAccessToken, successorRefreshToken } from "./tokens.js";

export interface Session {
  familyId: string;
  refreshToken: string;
  user: UserEntity;
}

export interface SignedIn extends Session {
  accessToken: string;
}

const WRONG_CREDENTIALS = "Wrong email or password";
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long a refresh token, once rotated, may be presented again and get the same successor:
 * two tabs refreshing at once both stay signed in (Auth0 and Okta call this the reuse
 * interval). After it, presenting a rotated token is reuse, and revokes its family.
 */
export const REFRESH_REUSE_GRACE_MS = 30_000;

/**
 * Starts a refresh-token family (a sign-in, with a random token) or continues one (a rotation,
 * with the successor derived from the predecessor: see successorRefreshToken).
 */
export async function issueSession(ctx: RequestContext, manager: EntityManager, user: UserEntity, rotation?: { familyId: string; predecessor: string }): Promise<Session> {
  const familyId = rotation?.familyId ?? crypto.randomUUID();
  const refreshToken = rotation ? successorRefreshToken(ctx.runtime.jwtSecret, rotation.predecessor) : newOpaqueToken();
  await manager.insert(AuthSessionEntity, {
    userId: user.id,
    familyId,
    tokenHash: hashOpaqueToken(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * DAY_MS),
  });
  return { familyId, refreshToken, user };
}

/** Signs the access token of a session, and makes its user the request's viewer (the payload is theirs). */
export async function signedIn(ctx: RequestContext, session: Session): Promise<SignedIn> {
  const accessToken = await signAccessToken(ctx.runtime.jwtSecret, { userId: session.user.id, role: session.user.role, familyId: session.familyId });
  const viewer = await loadViewer(ctx.runtime, session.user.id, session.familyId);
  if (!viewer) throw new UnauthenticatedError("The session has ended; sign in again");
  adoptViewer(ctx, viewer, Date.now() + ACCESS_TOKEN_SECONDS * 1000, session.familyId);
  return { ...session, accessToken };
}

/** Ends the user's sign-ins, all of them or all but one (the one a password change was made in). */
export async function endSessions(manager: EntityManager, userId: string, except?: string | null): Promise<void> {
  await manager.update(AuthSessionEntity, { userId, revokedAt: IsNull(), ...(except ? { familyId: Not(except) } : {}) }, { revokedAt: new Date() });
}

/** The account with its password hash, which no other read selects (UserEntity.passwordHash). */
export function userWithPasswordHash(ctx: RequestContext, where: { id: string } | { email: string }): Promise<UserEntity | null> {
  return ctx.db.getRepository(UserEntity).createQueryBuilder("u").addSelect("u.passwordHash").where(where).getOne();
}

export async function login(ctx: RequestContext, email: string, password: string): Promise<SignedIn> {
  const normalised = normaliseEmail(email);
  const limiter = ctx.runtime.loginLimiter;
  await limiter.attempt(normalised, ctx.clientAddress);
  const user = await userWithPasswordHash(ctx, { email: normalised });
  // Unknown emails and password-less accounts cost one argon2 verification too: no timing oracle.
  const hash = user?.passwordHash && !user.disabledAt ? user.passwordHash : await dummyPasswordHash();
  const valid = (await ctx.runtime.passwords.verify(hash, password)) && hash === user?.passwordHash;
  if (!user || !valid) {
    await audit(ctx, { action: "LOGIN", objectType: "User", objectId: user?.id ?? null, outcome: "DENIED" });
    throw new UnauthenticatedError(WRONG_CREDENTIALS);
  }
  await limiter.succeeded(normalised, ctx.clientAddress);
  const session = await ctx.db.transaction(async (manager) => {
    const started = await issueSession(ctx, manager, user);
    await audit(ctx, { action: "LOGIN", objectType: "User", objectId: user.id, actor: user }, manager);
    return started;
  });
  return signedIn(ctx, session);
}

/**
 * Rotates a refresh token. Presented again within REFRESH_REUSE_GRACE_MS of its rotation, it
 * gets the same successor (with a fresh access token) as long as that successor is unused:
 * concurrent refreshes from one browser are not theft. Presented later, or once its successor
 * was itself rotated, it means the token leaked: the whole family is revoked, so the thief's
 * copy and the owner's both stop working.
 */
export async function refreshSession(ctx: RequestContext, refreshToken: string): Promise<SignedIn> {
  const outcome = await ctx.db.transaction(async (manager) => {
    // Concurrent presentations of one token queue here, and see the first one's rotation.
    const session = await manager.getRepository(AuthSessionEntity).findOne({
      where: { tokenHash: hashOpaqueToken(refreshToken) },
      lock: { mode: "pessimistic_write" },
    });
    if (!session || session.revokedAt || session.expiresAt.getTime() < Date.now()) return undefined;
    const user = await manager.findOneBy(UserEntity, { id: session.userId });
    if (!user || user.disabledAt) return undefined;
    if (session.usedAt) {
      const successor = successorRefreshToken(ctx.runtime.jwtSecret, refreshToken);
      if (Date.now() - session.usedAt.getTime() <= REFRESH_REUSE_GRACE_MS) {
        const next = await manager.findOneBy(AuthSessionEntity, { tokenHash: hashOpaqueToken(successor), familyId: session.familyId });
        if (next && !next.usedAt && !next.revokedAt) return { familyId: session.familyId, refreshToken: successor, user };
      }
      await manager.update(AuthSessionEntity, { familyId: session.familyId }, { revokedAt: new Date() });
      return "REUSED" as const;
    }
    await manager.update(AuthSessionEntity, { id: session.id }, { usedAt: new Date() });
    return issueSession(ctx, manager, user, { familyId: session.familyId, predecessor: refreshToken });
  });
  if (!outcome || outcome === "REUSED") throw new UnauthenticatedError("The session has ended; sign in again");
  return signedIn(ctx, outcome);
}

export async function signOut(ctx: RequestContext, refreshToken: string): Promise<boolean> {
  const session = await ctx.db.getRepository(AuthSessionEntity).findOneBy({ tokenHash: hashOpaqueToken(refreshToken) });
  if (!session) return false;
  await ctx.db.getRepository(AuthSessionEntity).update({ familyId: session.familyId }, { revokedAt: new Date() });
  return true;
}
