import { Field, ID, Int, ObjectType } from "type-graphql";
import { AccessKind, Role } from "../common/enums.js";

@ObjectType("AccessLogEntry", {
  simpleResolvers: true,
  description: `Who opened or changed the patient's file, in the patient's language. Repeated reads by one person fold into one entry (count, firstAt, lastAt); the review team's working steps are not shown, as their events are not.`,
})
export class AccessLogEntryType {
  @Field({ description: "When it happened; for folded reads, the first of them (firstAt)." }) at!: Date;
  @Field({ description: "The person's name, or, in the patient's language, that the account is gone." }) actorName!: string;
  @Field(() => Role) actorRole!: Role;
  @Field({ description: 'What was done, in plain words in the patient\'s language, e.g. "opened your file".' }) action!: string;
  @Field(() => ID, { description: "Stable while later reads fold into the entry: accessLog(after:) takes it." }) id!: string;
  @Field(() => AccessKind) kind!: AccessKind;
  @Field({ description: 'One sentence in the patient\'s language, e.g. "Dr Wang (reviewer, Shanghai Cancer Center, CN) opened your file 3 times".' }) description!: string;
  @Field(() => String, { nullable: true, description: "Reviewers only." }) actorInstitution!: string | null;
  @Field(() => String, { nullable: true, description: "Reviewers only: ISO 3166-1 alpha-2." }) actorCountry!: string | null;
  @Field(() => Int, { description: "How many times the person read the file in this entry (one request, or one live subscription's reads, count once); 1 for a change." }) count!: number;
  @Field() firstAt!: Date;
  @Field() lastAt!: Date;
}
