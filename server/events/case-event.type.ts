import { Field, ID, ObjectType } from "type-graphql";
import type { CaseView } from "../auth/policy.js";
import { CaseEventType, CaseStatus } from "../common/enums.js";
import { CaseEventNoteCode, readNote } from "./event-notes.js";
import type { CaseEventEntity } from "./case-event.entity.js";

@ObjectType("CaseEvent", { simpleResolvers: true })
export class CaseEventNode {
  @Field(() => ID, { description: "Strictly increasing across the whole system; caseActivity resumes after it." }) id!: string;
  @Field(() => CaseEventType) type!: CaseEventType;
  @Field() at!: Date;
  @Field(() => CaseStatus, { nullable: true }) fromStatus!: CaseStatus | null;
  @Field(() => CaseStatus, { nullable: true }) toStatus!: CaseStatus | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => CaseEventNoteCode, { nullable: true, description: "Set when the server wrote the note: clients word it from this and noteValues; null for a person's note, shown as written." })
  noteCode!: CaseEventNoteCode | null;
  @Field(() => [String], { nullable: true, description: "The values in a server-written note: country codes, statuses, or field names." })
  noteValues!: string[] | null;

  row!: CaseEventEntity;
  view!: CaseView;

  static from(row: CaseEventEntity, view: CaseView): CaseEventNode {
    const read = readNote(row.type, row.toStatus, row.note);
    return Object.assign(new CaseEventNode(), {
      id: row.id,
      type: row.type,
      at: row.at,
      fromStatus: row.fromStatus,
      toStatus: row.toStatus,
      note: row.note,
      noteCode: read?.code ?? null,
      noteValues: read?.values ?? null,
      row,
      view,
    });
  }
}
