import crypto from "node:crypto";
import { IsNull, type EntityManager } from "typeorm";
import type { RequestContext } from "../context.js";
import { BadUserInputError, ConflictError, NotFoundError, UnauthenticatedError } from "../errors.js";
import { audit } from "../audit/audit.service.js";
import { normaliseEmail } from "../common/input.js";
import { AccountInvitationEntity } from "../users/account-invitation.entity.js";
import { UserEntity } from "../users/user.entity.js";
import { AuthSessionEntity } from "./auth-session.entity.js";
import { checkPasswordPolicy, dummyPasswordHash, hashPassword } from "./password.js";
import { hashOpaqueToken, newOpaqueToken, REFRESH_TOKEN_DAYS, signAccessToken } from "./tokens.js";

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: UserEntity;
}

const WRONG_CREDENTIALS = "Wrong email or password";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Starts a refresh-token family (a sign-in) or continues one (a rotation). */
async function issueSession(ctx: RequestContext, manager: EntityManager, user: UserEntity, familyId: string = crypto.randomUUID()): Promise<Session> {
  const refreshToken = newOpaqueToken();
  await manager.insert(AuthSessionEntity, {
    userId: user.id,
    familyId,
    tokenHash: hashOpaqueToken(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TOKEN_DAYS * DAY_MS),
  });
  const accessToken = await signAccessToken(ctx.runtime.jwtSecret, { userId: user.id, role: user.role, familyId });
  return { accessToken, refreshToken, user };
}

export async function login(ctx: RequestContext, email: string, password: string): Promise<Session> {
  const normalised = normaliseEmail(email);
  const limiter = ctx.runtime.loginLimiter;
  await limiter.attempt(normalised, ctx.clientAddress);
  const user = await ctx.db.getRepository(UserEntity).findOneBy({ email: normalised });
  // Unknown emails and password-less accounts cost one argon2 verification too: no timing oracle.
  const hash = user?.passwordHash && !user.disabledAt ? user.passwordHash : await dummyPasswordHash();
  const valid = (await ctx.runtime.passwords.verify(hash, password)) && hash === user?.passwordHash;
  if (!user || !valid) {
    await audit(ctx, { action: "LOGIN", objectType: "User", objectId: user?.id ?? null, outcome: "DENIED" });
    throw new UnauthenticatedError(WRONG_CREDENTIALS);
  }
  await limiter.succeeded(normalised, ctx.clientAddress);
  return ctx.db.transaction(async (manager) => {
    const session = await issueSession(ctx, manager, user);
    await audit(ctx, { action: "LOGIN", objectType: "User", objectId: user.id, actor: user }, manager);
    return session;
  });
}

/**
 * Rotates a refresh token. A token presented twice means it leaked: the whole
 * family is revoked, so the thief's copy and the owner's both stop working.
 */
export async function refreshSession(ctx: RequestContext, refreshToken: string): Promise<Session> {
  const outcome = await ctx.db.transaction(async (manager) => {
    const session = await manager.getRepository(AuthSessionEntity).findOne({
      where: { tokenHash: hashOpaqueToken(refreshToken) },
      lock: { mode: "pessimistic_write" },
    });
    if (!session || session.revokedAt || session.expiresAt.getTime() < Date.now()) return undefined;
    if (session.usedAt) {
      await manager.update(AuthSessionEntity, { familyId: session.familyId }, { revokedAt: new Date() });
      return "REUSED" as const;
    }
    const user = await manager.findOneBy(UserEntity, { id: session.userId });
    if (!user || user.disabledAt) return undefined;
    await manager.update(AuthSessionEntity, { id: session.id }, { usedAt: new Date() });
    return issueSession(ctx, manager, user, session.familyId);
  });
  if (!outcome || outcome === "REUSED") throw new UnauthenticatedError("The session has ended; sign in again");
  return outcome;
}

export async function signOut(ctx: RequestContext, refreshToken: string): Promise<boolean> {
  const session = await ctx.db.getRepository(AuthSessionEntity).findOneBy({ tokenHash: hashOpaqueToken(refreshToken) });
  if (!session) return false;
  await ctx.db.getRepository(AuthSessionEntity).update({ familyId: session.familyId }, { revokedAt: new Date() });
  return true;
}

export const INVITATION_DAYS = 7;

/**
 * Coordinators invite patients; admins invite anyone. Only an account that has no
 * password yet can be invited: staff can never take over an active account.
 */
export async function issueAccountInvitation(ctx: RequestContext, userId: string): Promise<string> {
  const viewer = ctx.viewer!;
  const user = await ctx.loaders.user.load(userId);
  if (!user || (viewer.role !== "ADMIN" && user.role !== "PATIENT")) throw new NotFoundError("User");
  if (user.passwordHash || user.disabledAt) throw new ConflictError("This account is already active", "userId");
  const token = newOpaqueToken();
  await ctx.db.transaction(async (manager) => {
    await manager.insert(AccountInvitationEntity, {
      userId,
      tokenHash: hashOpaqueToken(token),
      issuedByUserId: viewer.userId,
      expiresAt: new Date(Date.now() + INVITATION_DAYS * DAY_MS),
    });
    await audit(ctx, { action: "ISSUE_INVITATION", objectType: "User", objectId: userId }, manager);
  });
  return `${ctx.runtime.publicUrl}/activate#token=${token}`;
}

const INVALID_INVITATION = "The invitation link is invalid, used or expired";

export async function activateAccount(ctx: RequestContext, token: string, password: string): Promise<Session> {
  const tokenHash = hashOpaqueToken(token);
  const pending = await ctx.db.getRepository(AccountInvitationEntity).findOneBy({ tokenHash });
  const owner = pending ? await ctx.db.getRepository(UserEntity).findOneBy({ id: pending.userId }) : null;
  if (!pending || !owner || pending.usedAt || pending.expiresAt.getTime() < Date.now()) throw new BadUserInputError("token", INVALID_INVITATION);
  checkPasswordPolicy(password, owner.email, "password");
  // Hashed before the transaction: argon2 takes tens of milliseconds and must not hold locks.
  const passwordHash = await hashPassword(password);
  return ctx.db.transaction(async (manager) => {
    // The user first, then the invitation: concurrent activations of one account queue on the user.
    const user = await manager.findOne(UserEntity, { where: { id: pending.userId }, lock: { mode: "pessimistic_write" } });
    const invitation = await manager.getRepository(AccountInvitationEntity).findOne({ where: { tokenHash }, lock: { mode: "pessimistic_write" } });
    if (!invitation || invitation.usedAt || !user || user.passwordHash || user.disabledAt) throw new BadUserInputError("token", INVALID_INVITATION);
    user.passwordHash = passwordHash;
    await manager.update(UserEntity, { id: user.id }, { passwordHash });
    await manager.update(AccountInvitationEntity, { userId: user.id, usedAt: IsNull() }, { usedAt: new Date() });
    // Any sign-in from before the password was set ends now.
    await manager.update(AuthSessionEntity, { userId: user.id, revokedAt: IsNull() }, { revokedAt: new Date() });
    await audit(ctx, { action: "ACTIVATE_ACCOUNT", objectType: "User", objectId: user.id, actor: user }, manager);
    return issueSession(ctx, manager, user);
  });
}
