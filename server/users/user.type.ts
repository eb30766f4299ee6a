import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../common/enums.js";
import { Connection } from "../common/connection.type.js";
import type { UserEntity } from "./user.entity.js";

@ObjectType("User", { simpleResolvers: true })
export class UserType {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => Role) role!: Role;
  @Field() displayName!: string;
  @Field({ description: "A disabled account cannot sign in." }) disabled!: boolean;
  @Field({ description: "Whether the owner has set a password (activateAccount); until then the account only takes an invitation." }) activated!: boolean;
  @Field() createdAt!: Date;

  static from(row: UserEntity): UserType {
    return Object.assign(new UserType(), {
      id: row.id,
      email: row.email,
      role: row.role,
      displayName: row.displayName,
      disabled: row.disabledAt !== null,
      activated: row.activated,
      createdAt: row.createdAt,
    });
  }
}

@ObjectType("UserConnection", { simpleResolvers: true })
export class UserConnectionType extends Connection(UserType, "UserEdge") {}
