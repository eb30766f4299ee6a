import type { EntityManager } from "typeorm";
import { containsIdentifier, identifyingFragments } from "../auth/deidentify.js";
import { open } from "../auth/field-crypto.js";
import type { RequestContext } from "../context.js";
import { BadUserInputError } from "../errors.js";
import { UserEntity } from "../users/user.entity.js";
import { PatientEntity } from "./patient.entity.js";

/** Reviewers will read this text: refuse it when it names the patient. */
export async function assertDeidentified(ctx: RequestContext, manager: EntityManager, patientId: string, fields: Array<[string, string]>): Promise<void> {
  const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
  const user = await manager.findOneByOrFail(UserEntity, { id: patient.userId });
  const fragments = identifyingFragments({
    fullName: patient.fullName,
    dateOfBirth: open(ctx.runtime.keyRing, patient.dateOfBirthEnc),
    email: user.email,
    healthCardNumber: patient.healthCardNumberEnc ? open(ctx.runtime.keyRing, patient.healthCardNumberEnc) : null,
  });
  for (const [field, text] of fields) {
    if (containsIdentifier(text, fragments)) {
      throw new BadUserInputError(field, `${field} contains an identifier of the patient; reviewers must not receive it`);
    }
  }
}
