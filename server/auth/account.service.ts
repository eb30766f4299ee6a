import type { RequestContext } from "../context.js";
import { BadUserInputError, ConflictError, logUnexpected, NotFoundError } from "../errors.js";
import { audit } from "../audit/audit.service.js";
import { normaliseEmail } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { AccountLinkPurpose } from "../users/account-invitation.entity.js";
import { UserEntity } from "../users/user.entity.js";
import { issueAccountLink, pendingAccountLink, spendAccountLinks } from "./account-links.js";
import { endSessions, issueSession, signedIn, userWithPasswordHash, type SignedIn } from "./auth.service.js";
import { checkPasswordPolicy, hashPassword } from "./password.js";

/**
 * Coordinators invite patients; admins invite anyone. Only an account that has no
 * password yet can be invited: staff can never take over an active account. The link is
 * answered to the caller (who passes it on) and mailed to the account's address; only the
 * newest link works.
 */
export async function issueAccountInvitation(ctx: RequestContext, userId: string): Promise<string> {
  const viewer = ctx.viewer!;
  const user = await ctx.loaders.user.load(userId);
  if (!user || (viewer.role !== "ADMIN" && user.role !== "PATIENT")) throw new NotFoundError("User");
  if (user.activated || user.disabledAt) throw new ConflictError("This account is already active", "userId");
  const link = await ctx.db.transaction(async (manager) => {
    const issued = await issueAccountLink(ctx, manager, userId, AccountLinkPurpose.ACTIVATION, viewer.userId);
    await audit(ctx, { action: "ISSUE_INVITATION", objectType: "User", objectId: userId }, manager);
    return issued;
  });
  await ctx.runtime.mailer.send({
    to: user.email,
    kind: "ACCOUNT_INVITATION",
    subject: "Your Meridian account",
    text: `An account was opened for you on Meridian. Set your password within 7 days with this link (it works once):\n\n${link}\n`,
    link,
  });
  return link;
}

const INVALID_INVITATION = "The invitation link is invalid, used or expired";
const INVALID_RESET = "The password reset link is invalid, used or expired";

export async function activateAccount(ctx: RequestContext, token: string, password: string): Promise<SignedIn> {
  const pending = await pendingAccountLink(ctx.db.manager, token, AccountLinkPurpose.ACTIVATION);
  const owner = pending ? await ctx.db.getRepository(UserEntity).findOneBy({ id: pending.userId }) : null;
  if (!pending || !owner) throw new BadUserInputError("token", INVALID_INVITATION);
  checkPasswordPolicy(password, owner.email, "password");
  // Hashed before the transaction: argon2 takes tens of milliseconds and must not hold locks.
  const passwordHash = await hashPassword(password);
  const session = await ctx.db.transaction(async (manager) => {
    // The user first, then the link: concurrent activations of one account queue on the user.
    const user = await manager.findOne(UserEntity, { where: { id: pending.userId }, lock: { mode: "pessimistic_write" } });
    const link = await pendingAccountLink(manager, token, AccountLinkPurpose.ACTIVATION, true);
    if (!link || !user || user.activated || user.disabledAt) throw new BadUserInputError("token", INVALID_INVITATION);
    user.activated = true;
    await manager.update(UserEntity, { id: user.id }, { passwordHash });
    await spendAccountLinks(manager, user.id);
    // Any sign-in from before the password was set ends now.
    await endSessions(manager, user.id);
    await audit(ctx, { action: "ACTIVATE_ACCOUNT", objectType: "User", objectId: user.id, actor: user }, manager);
    return issueSession(ctx, manager, user);
  });
  return signedIn(ctx, session);
}

/**
 * Mails a one-time reset link (valid an hour; only the newest works) to an active account with
 * that email. Answers true whatever the email: whether an account exists is not told, and the
 * link is made and mailed after the answer, so the answer's timing does not tell either.
 * Limited per account and per address like logins.
 */
export async function requestPasswordReset(ctx: RequestContext, email: string): Promise<boolean> {
  const normalised = normaliseEmail(email);
  await ctx.runtime.resetLimiter.attempt(normalised, ctx.clientAddress);
  if (normalised.length === 0 || normalised.length > LIMITS.email) return true;
  void mailResetLink(ctx, normalised).catch((error) => logUnexpected(ctx.runtime.logger, error, { requestId: ctx.requestId, step: "password reset mail" }));
  return true;
}

async function mailResetLink(ctx: RequestContext, email: string): Promise<void> {
  const user = await ctx.db.getRepository(UserEntity).findOneBy({ email });
  // Accounts never activated are invited, not reset; disabled ones stay disabled.
  if (!user || !user.activated || user.disabledAt) return;
  const link = await ctx.db.transaction(async (manager) => {
    const issued = await issueAccountLink(ctx, manager, user.id, AccountLinkPurpose.PASSWORD_RESET, user.id);
    await audit(ctx, { action: "REQUEST_PASSWORD_RESET", objectType: "User", objectId: user.id, actor: user }, manager);
    return issued;
  });
  await ctx.runtime.mailer.send({
    to: user.email,
    kind: "PASSWORD_RESET",
    subject: "Reset your Meridian password",
    text: `Someone asked to reset the password of your Meridian account. If it was you, set a new one within an hour with this link (it works once):\n\n${link}\n\nIf it was not you, ignore this message: your password stays as it is.\n`,
    link,
  });
}

/** Sets a new password through a reset link; every earlier sign-in of the account ends, and a new one starts. */
export async function resetPassword(ctx: RequestContext, token: string, password: string): Promise<SignedIn> {
  const pending = await pendingAccountLink(ctx.db.manager, token, AccountLinkPurpose.PASSWORD_RESET);
  const owner = pending ? await ctx.db.getRepository(UserEntity).findOneBy({ id: pending.userId }) : null;
  if (!pending || !owner) throw new BadUserInputError("token", INVALID_RESET);
  checkPasswordPolicy(password, owner.email, "password");
  const passwordHash = await hashPassword(password);
  const session = await ctx.db.transaction(async (manager) => {
    const user = await manager.findOne(UserEntity, { where: { id: pending.userId }, lock: { mode: "pessimistic_write" } });
    const link = await pendingAccountLink(manager, token, AccountLinkPurpose.PASSWORD_RESET, true);
    if (!link || !user || user.disabledAt) throw new BadUserInputError("token", INVALID_RESET);
    await manager.update(UserEntity, { id: user.id }, { passwordHash });
    await spendAccountLinks(manager, user.id);
    await endSessions(manager, user.id);
    await audit(ctx, { action: "RESET_PASSWORD", objectType: "User", objectId: user.id, actor: user }, manager);
    return issueSession(ctx, manager, user);
  });
  // The owner proved control of the mailbox: failed logins counted against the account are cleared.
  await ctx.runtime.loginLimiter.succeeded(owner.email, null);
  return signedIn(ctx, session);
}

/**
 * A signed-in user changes their password, giving the current one (wrong answers count as
 * failed logins). Every other sign-in of the account ends; the one it was made in stays.
 */
export async function changePassword(ctx: RequestContext, currentPassword: string, newPassword: string): Promise<boolean> {
  const user = await userWithPasswordHash(ctx, { id: ctx.viewer!.userId });
  if (!user) throw new NotFoundError("User");
  const limiter = ctx.runtime.loginLimiter;
  await limiter.attempt(user.email, ctx.clientAddress);
  if (!user.passwordHash || !(await ctx.runtime.passwords.verify(user.passwordHash, currentPassword))) {
    await audit(ctx, { action: "CHANGE_PASSWORD", objectType: "User", objectId: user.id, outcome: "DENIED" });
    throw new BadUserInputError("currentPassword", "The current password is wrong");
  }
  await limiter.succeeded(user.email, ctx.clientAddress);
  checkPasswordPolicy(newPassword, user.email, "newPassword");
  const passwordHash = await hashPassword(newPassword);
  await ctx.db.transaction(async (manager) => {
    await manager.findOne(UserEntity, { where: { id: user.id }, lock: { mode: "pessimistic_write" } });
    await manager.update(UserEntity, { id: user.id }, { passwordHash });
    await spendAccountLinks(manager, user.id);
    await endSessions(manager, user.id, ctx.sessionFamilyId);
    await audit(ctx, { action: "CHANGE_PASSWORD", objectType: "User", objectId: user.id }, manager);
  });
  return true;
}
