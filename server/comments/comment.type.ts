import { Field, ID, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { SummarySection } from "../common/enums.js";
import type { CommentEntity } from "./comment.entity.js";

@ObjectType("Comment", { simpleResolvers: true })
export class CommentType {
  @Field(() => ID) id!: string;
  @Field(() => SummarySection) section!: SummarySection;
  @Field({ description: "Empty once the comment is withdrawn." }) body!: string;
  @Field() createdAt!: Date;
  @Field({ description: "Its author withdrew it: it keeps its place in the thread, without its text." }) withdrawn!: boolean;
  @Field(() => Date, { nullable: true }) withdrawnAt!: Date | null;

  row!: CommentEntity;
  view!: CaseView;

  static from(row: CommentEntity, view: CaseView): CommentType {
    return Object.assign(new CommentType(), {
      id: row.id,
      section: row.section,
      body: row.withdrawnAt ? "" : row.body,
      createdAt: row.createdAt,
      withdrawn: row.withdrawnAt !== null,
      withdrawnAt: row.withdrawnAt,
      row,
      view,
    });
  }
}
