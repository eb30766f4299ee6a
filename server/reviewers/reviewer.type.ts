import { Field, ID, ObjectType } from "type-graphql";
import { Language } from "../common/enums.js";
import type { ReviewerEntity } from "./reviewer.entity.js";

@ObjectType("Reviewer", { simpleResolvers: true })
export class ReviewerType {
  @Field(() => ID) id!: string;
  @Field(() => ID) userId!: string;
  @Field() institution!: string;
  @Field({ description: "ISO 3166-1 alpha-2, upper case (CN)." }) country!: string;
  @Field(() => [String]) specialties!: string[];
  @Field(() => [Language]) languages!: Language[];

  static from(row: ReviewerEntity): ReviewerType {
    return Object.assign(new ReviewerType(), {
      id: row.id,
      userId: row.userId,
      institution: row.institution,
      country: row.country,
      specialties: row.specialties,
      languages: row.languages,
    });
  }
}
