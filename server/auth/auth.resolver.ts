import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../context.js";
import { UserType } from "../users/user.type.js";
import { AuthPayloadType } from "./auth.type.js";
import * as auth from "./auth.service.js";

const toPayload = (session: auth.Session): AuthPayloadType =>
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

  @Mutation(() => String, { description: "Returns a one-time link that lets the account's owner set a password (activateAccount)." })
  issueAccountInvitation(@Ctx() ctx: RequestContext, @Arg("userId", () => ID) userId: string): Promise<string> {
    return auth.issueAccountInvitation(ctx, userId);
  }

  @Mutation(() => AuthPayloadType)
  async activateAccount(@Ctx() ctx: RequestContext, @Arg("token") token: string, @Arg("password") password: string): Promise<AuthPayloadType> {
    return toPayload(await auth.activateAccount(ctx, token, password));
  }
}
