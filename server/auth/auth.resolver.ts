import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { UserType } from "../users/user.type.js";
import { AuthPayloadType } from "./auth.type.js";
import * as account from "./account.service.js";
import * as auth from "./auth.service.js";

const toPayload = (session: auth.SignedIn): AuthPayloadType =>
  Object.assign(new AuthPayloadType(), { accessToken: session.accessToken, refreshToken: session.refreshToken, user: UserType.from(session.user) });

@Resolver()
export class AuthResolver {
  @Query(() => UserType, { nullable: true })
  async viewer(@Ctx() ctx: RequestContext): Promise<UserType | null> {
    if (!ctx.viewer) return null;
    const user = await ctx.loaders.user.load(ctx.viewer.userId);
    return user ? UserType.from(user) : null;
  }

  @Mutation(() => AuthPayloadType)
  async login(@Ctx() ctx: RequestContext, @Arg("email") email: string, @Arg("password") password: string): Promise<AuthPayloadType> {
    return toPayload(await auth.login(ctx, email, password));
  }

  @Mutation(() => AuthPayloadType)
  async refreshSession(@Ctx() ctx: RequestContext, @Arg("refreshToken") refreshToken: string): Promise<AuthPayloadType> {
    return toPayload(await auth.refreshSession(ctx, refreshToken));
  }

  @Mutation(() => Boolean, { description: "Revokes the refresh token's session." })
  signOut(@Ctx() ctx: RequestContext, @Arg("refreshToken") refreshToken: string): Promise<boolean> {
    return auth.signOut(ctx, refreshToken);
  }

  @Mutation(() => String, { description: "Returns a one-time link that lets the account's owner set a password (activateAccount), and mails it to them; an earlier link stops working." })
  issueAccountInvitation(@Ctx() ctx: RequestContext, @Arg("userId", () => ID) userId: string): Promise<string> {
    return account.issueAccountInvitation(ctx, userId);
  }

  @Mutation(() => AuthPayloadType)
  async activateAccount(@Ctx() ctx: RequestContext, @Arg("token") token: string, @Arg("password") password: string): Promise<AuthPayloadType> {
    return toPayload(await account.activateAccount(ctx, token, password));
  }

  @Mutation(() => Boolean, { description: "Changes the signed-in user's password; their other sign-ins end, this one stays." })
  changePassword(@Ctx() ctx: RequestContext, @Arg("currentPassword") currentPassword: string, @Arg("newPassword") newPassword: string): Promise<boolean> {
    return account.changePassword(ctx, currentPassword, newPassword);
  }

  @Mutation(() => Boolean, { description: "Mails a one-time password reset link (valid an hour) if an active account has this email. Always true: it does not tell whether one has." })
  requestPasswordReset(@Ctx() ctx: RequestContext, @Arg("email") email: string): Promise<boolean> {
    return account.requestPasswordReset(ctx, email);
  }

  @Mutation(() => AuthPayloadType, { description: "Sets a new password with a reset link's token; every earlier sign-in of the account ends." })
  async resetPassword(@Ctx() ctx: RequestContext, @Arg("token") token: string, @Arg("password") password: string): Promise<AuthPayloadType> {
    return toPayload(await account.resetPassword(ctx, token, password));
  }
}
