import { Field, ID, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { SummarySection } from "../common/enums.js";
import type { CommentEntity } from "./comment.entity.js";

@ObjectType("Comment")
export class CommentType {
  @Field(() => ID) id!: string;
  @Field(() => SummarySection) section!: SummarySection;
  @Field() body!: string;
  @Field() createdAt!: Date;

  row!: CommentEntity;
  view!: CaseView;

  static from(row: CommentEntity, view: CaseView): CommentType {
    return Object.assign(new CommentType(), { id: row.id, section: row.section, body: row.body, createdAt: row.createdAt, row, view });
  }
}
