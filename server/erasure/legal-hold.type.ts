import { Field, ObjectType } from "type-graphql";

@ObjectType("LegalHold", { simpleResolvers: true, description: "An admin's legal hold on a patient: nothing of the patient is erased while it stands." })
export class LegalHoldType {
  @Field() reason!: string;
  @Field() placedAt!: Date;
  @Field({ description: "An erasure was asked for under the hold: lifting the hold runs it." }) erasureRequested!: boolean;
}
