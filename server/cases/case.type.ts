import { Field, ID, Int, ObjectType } from "type-graphql";
import { Connection } from "../common/connection.type.js";
import type { CaseView } from "../auth/policy.js";
import { canSeeIdentity } from "../auth/policy.js";
import { CaseStatus, TransitionRequirement } from "../common/enums.js";
import type { CaseEntity } from "./case.entity.js";

@ObjectType("Case", { simpleResolvers: true })
export class CaseType {
  @Field(() => ID) id!: string;
  @Field({ description: "Human-readable reference, e.g. MER-2026-000042; carries no identifier of the patient." }) reference!: string;
  @Field(() => CaseStatus) status!: CaseStatus;
  @Field(() => Int, { description: "Incremented by one for every CaseEvent written for this case; transitionCase takes it as expectedVersion." })
  version!: number;
  @Field({ description: "When the case entered its current status." }) statusSince!: Date;
  @Field(() => CaseStatus, { nullable: true, description: "For an ON_HOLD case: the status it resumes to." }) heldFrom!: CaseStatus | null;
  @Field(() => String, { nullable: true, description: "A de-identified age band of the patient at opening, e.g. 60-69; what reviewers see instead of the date of birth." })
  patientAgeBand!: string | null;
  @Field() openedAt!: Date;
  @Field() updatedAt!: Date;
  @Field(() => String, { nullable: true, description: "The question the patient wants answered; null for reviewers (it may identify the patient)." })
  reason!: string | null;

  /** Not in the schema: the row and how the viewer sees it, for the field resolvers. */
  row!: CaseEntity;
  view!: CaseView;

  static from(row: CaseEntity, view: CaseView): CaseType {
    return Object.assign(new CaseType(), {
      id: row.id,
      reference: row.reference,
      status: row.status,
      version: row.version,
      statusSince: row.statusSince,
      heldFrom: row.heldFrom,
      patientAgeBand: row.patientAgeBand,
      openedAt: row.openedAt,
      updatedAt: row.updatedAt,
      reason: canSeeIdentity(view) ? row.reason : null,
      row,
      view,
    });
  }
}

@ObjectType("CaseConnection", { simpleResolvers: true })
export class CaseConnectionType extends Connection(CaseType, "CaseEdge") {}

@ObjectType("TransitionOption", { simpleResolvers: true, description: "A status the viewer may move the case to from where it is, and whether they can now." })
export class TransitionOptionType {
  @Field(() => CaseStatus) to!: CaseStatus;
  @Field({ description: "True when transitionCase would accept this move now (with a note where noteRequired)." }) allowed!: boolean;
  @Field(() => [TransitionRequirement], { description: "What the step still needs: the names transitionCase reports in extensions.missing." })
  missing!: TransitionRequirement[];
  @Field({ description: "transitionCase takes a note saying why (putting a case on hold)." }) noteRequired!: boolean;
}
