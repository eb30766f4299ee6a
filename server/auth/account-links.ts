import { IsNull, MoreThan, type EntityManager } from "typeorm";
import type { RequestContext } from "../context.js";
import { AccountInvitationEntity, AccountLinkPurpose } from "../users/account-invitation.entity.js";
import { UserEntity } from "../users/user.entity.js";
import { hashOpaqueToken, newOpaqueToken } from "./tokens.js";

const HOUR_MS = 60 * 60 * 1000;

/** How long each kind of link lasts, and the page of the web app it opens. */
export const ACCOUNT_LINKS: Record<AccountLinkPurpose, { lifetimeMs: number; page: string }> = {
  [AccountLinkPurpose.ACTIVATION]: { lifetimeMs: 7 * 24 * HOUR_MS, page: "activate" },
  [AccountLinkPurpose.PASSWORD_RESET]: { lifetimeMs: HOUR_MS, page: "reset-password" },
};

/**
 * Issues a one-time link for `userId`, in `manager`'s transaction. Only the newest link of a
 * purpose works: the user's earlier unused ones expire now. The user's row is locked first, so
 * two links issued at once still leave exactly one alive. Returns the absolute URL (the token
 * in its fragment, which browsers do not send to servers or put in Referer headers).
 */
export async function issueAccountLink(ctx: RequestContext, manager: EntityManager, userId: string, purpose: AccountLinkPurpose, issuedByUserId: string): Promise<string> {
  await manager.findOne(UserEntity, { where: { id: userId }, lock: { mode: "pessimistic_write" } });
  const now = new Date();
  await manager.update(AccountInvitationEntity, { userId, purpose, usedAt: IsNull(), expiresAt: MoreThan(now) }, { expiresAt: now });
  const token = newOpaqueToken();
  await manager.insert(AccountInvitationEntity, {
    userId,
    purpose,
    tokenHash: hashOpaqueToken(token),
    issuedByUserId,
    expiresAt: new Date(now.getTime() + ACCOUNT_LINKS[purpose].lifetimeMs),
  });
  return `${ctx.runtime.publicUrl}/${ACCOUNT_LINKS[purpose].page}#token=${token}`;
}

/** The unused, unexpired link of that purpose a token names, and its user; undefined otherwise. */
export async function pendingAccountLink(manager: EntityManager, token: string, purpose: AccountLinkPurpose, lock = false) {
  const link = await manager.findOne(AccountInvitationEntity, { where: { tokenHash: hashOpaqueToken(token) }, ...(lock ? { lock: { mode: "pessimistic_write" as const } } : {}) });
  if (!link || link.purpose !== purpose || link.usedAt || link.expiresAt.getTime() <= Date.now()) return undefined;
  return link;
}

/** Once a password is set (activation, reset, change), every pending link of the user is spent. */
export async function spendAccountLinks(manager: EntityManager, userId: string): Promise<void> {
  await manager.update(AccountInvitationEntity, { userId, usedAt: IsNull() }, { usedAt: new Date() });
}
