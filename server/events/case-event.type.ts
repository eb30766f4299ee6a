import { Field, ID, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { CaseEventType, CaseStatus } from "../common/enums.js";
import type { CaseEventEntity } from "./case-event.entity.js";

@ObjectType("CaseEvent")
export class CaseEventNode {
  @Field(() => ID, { description: "Strictly increasing across the whole system; caseActivity resumes after it." }) id!: string;
  @Field(() => CaseEventType) type!: CaseEventType;
  @Field() at!: Date;
  @Field(() => CaseStatus, { nullable: true }) fromStatus!: CaseStatus | null;
  @Field(() => CaseStatus, { nullable: true }) toStatus!: CaseStatus | null;
  @Field(() => String, { nullable: true }) note!: string | null;

  row!: CaseEventEntity;
  view!: CaseView;

  static from(row: CaseEventEntity, view: CaseView): CaseEventNode {
    return Object.assign(new CaseEventNode(), {
      id: row.id,
      type: row.type,
      at: row.at,
      fromStatus: row.fromStatus,
      toStatus: row.toStatus,
      note: row.note,
      row,
      view,
    });
  }
}
