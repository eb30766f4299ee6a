import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../context.js";
import { Role } from "../common/enums.js";
import { PatientType } from "../patients/patient.type.js";
import { patientOfUser, toPatientType } from "../patients/patient.service.js";
import { ReviewerType } from "../reviewers/reviewer.type.js";
import { CreateUserInput } from "./user.input.js";
import { createUser } from "./user.service.js";
import { UserConnectionType, UserType } from "./user.type.js";
import { listUsers } from "./user-list.service.js";
import { toConnection } from "../common/connection.js";

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserConnectionType, { description: "Admins: accounts, newest first, of one role or all; `search` matches part of the display name or email, ignoring case and accents." })
  async users(
    @Ctx() ctx: RequestContext,
    @Arg("role", () => Role, { nullable: true }) role: Role | null,
    @Arg("search", () => String, { nullable: true }) search: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<UserConnectionType> {
    return toConnection(await listUsers(ctx, role, search, first ?? 20, after), UserType.from);
  }

  @Mutation(() => UserType)
  async createUser(@Ctx() ctx: RequestContext, @Arg("input") input: CreateUserInput): Promise<UserType> {
    return UserType.from(await createUser(ctx, input));
  }

  @FieldResolver(() => PatientType, { nullable: true, description: "The patient profile of a PATIENT user." })
  async patient(@Ctx() ctx: RequestContext, @Root() user: UserType): Promise<PatientType | null> {
    if (user.role !== Role.PATIENT) return null;
    const patient = await patientOfUser(ctx, user.id);
    return patient ? toPatientType(ctx, patient) : null;
  }

  @FieldResolver(() => ReviewerType, { nullable: true, description: "The reviewer profile of a REVIEWER user." })
  async reviewer(@Ctx() ctx: RequestContext, @Root() user: UserType): Promise<ReviewerType | null> {
    if (user.role !== Role.REVIEWER) return null;
    const reviewer = await ctx.loaders.reviewerByUser.load(user.id);
    return reviewer ? ReviewerType.from(reviewer) : null;
  }
}
