import { Field, ObjectType } from "type-graphql";
import { UserType } from "../users/user.type.js";

@ObjectType("AuthPayload", { simpleResolvers: true })
export class AuthPayloadType {
  @Field() accessToken!: string;
  @Field() refreshToken!: string;
  @Field(() => UserType) user!: UserType;
}
