import { Field, ID, ObjectType } from "type-graphql";
import { Complexity, OptionStatus, PathwayKind } from "../common/enums.js";
import type { PathwayOptionEntity } from "./pathway-option.entity.js";

@ObjectType("PathwayOption", { simpleResolvers: true })
export class PathwayOptionType {
  @Field(() => ID) id!: string;
  @Field(() => PathwayKind) kind!: PathwayKind;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) evidence!: string | null;
  @Field(() => String, { nullable: true }) eligibility!: string | null;
  @Field(() => Complexity) complexity!: Complexity;
  @Field(() => OptionStatus) status!: OptionStatus;

  static from(row: PathwayOptionEntity): PathwayOptionType {
    return Object.assign(new PathwayOptionType(), {
      id: row.id,
      kind: row.kind,
      title: row.title,
      description: row.description,
      evidence: row.evidence,
      eligibility: row.eligibility,
      complexity: row.complexity,
      status: row.status,
    });
  }
}
