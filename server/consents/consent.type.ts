import { Field, ID, ObjectType } from "type-graphql";
import { ConsentScope } from "../common/enums.js";
import type { ConsentEntity } from "./consent.entity.js";

@ObjectType("Consent", { simpleResolvers: true })
export class ConsentType {
  @Field(() => ID) id!: string;
  @Field(() => ConsentScope) scope!: ConsentScope;
  @Field(() => [String], { description: "ISO 3166-1 alpha-2, upper case." }) destinationCountries!: string[];
  @Field({ description: "True when staff (a coordinator or an admin) recorded it, attesting a form the patient signed." }) attestedByCoordinator!: boolean;
  @Field() grantedAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field() active!: boolean;

  static from(row: ConsentEntity): ConsentType {
    return Object.assign(new ConsentType(), {
      id: row.id,
      scope: row.scope,
      destinationCountries: row.destinationCountries,
      attestedByCoordinator: row.attestedByCoordinator,
      grantedAt: row.grantedAt,
      revokedAt: row.revokedAt,
      active: row.revokedAt === null,
    });
  }
}
