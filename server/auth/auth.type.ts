import { Field, ObjectType } from "type-graphql";
import { UserType } from "../users/user.type.js";

@ObjectType("AuthPayload")
export class AuthPayloadType {
  @Field() accessToken!: string;
  @Field() refreshToken!: string;
  @Field(() => UserType) user!: UserType;
}
