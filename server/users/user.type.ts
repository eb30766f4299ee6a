import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "../common/enums.js";
import type { UserEntity } from "./user.entity.js";

@ObjectType("User")
export class UserType {
  @Field(() => ID) id!: string;
  @Field() email!: string;
  @Field(() => Role) role!: Role;
  @Field() displayName!: string;

  static from(row: UserEntity): UserType {
    return Object.assign(new UserType(), { id: row.id, email: row.email, role: row.role, displayName: row.displayName });
  }
}
