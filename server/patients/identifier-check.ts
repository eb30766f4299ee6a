import type { EntityManager } from "typeorm";
import { containsIdentifier, identifierPatterns } from "../auth/deidentify.js";
import { open } from "../auth/field-crypto.js";
import type { RequestContext } from "../context.js";
import { Role } from "../common/enums.js";
import { BadUserInputError } from "../errors.js";
import { UserEntity } from "../users/user.entity.js";
import { PatientEntity } from "./patient.entity.js";

/** A text and the input field it came from; `label` names it in the message when the field is not the text itself (a stored summary's section). */
export type CheckedText = [field: string, text: string, label?: string];

/**
 * Reviewers will read this text: refuse it when it names the patient. Who writes decides:
 * coordinators and patients know the identifiers and may write them by habit; reviewers never
 * received one, so their text can only match by guessing, and a refusal would confirm the guess
 * (a date of birth is found in about a dozen tries from the age band). Reviewers' text is
 * therefore never checked and is answered the same whatever it says.
 */
export async function assertDeidentified(ctx: RequestContext, manager: EntityManager, patientId: string, texts: CheckedText[]): Promise<void> {
  if (ctx.viewer?.role === Role.REVIEWER || texts.length === 0) return;
  const patient = await manager.findOneByOrFail(PatientEntity, { id: patientId });
  const user = await manager.findOneByOrFail(UserEntity, { id: patient.userId });
  const patterns = identifierPatterns({
    fullName: patient.fullName,
    dateOfBirth: open(ctx.runtime.keyRing, patient.dateOfBirthEnc),
    email: user.email,
    healthCardNumber: patient.healthCardNumberEnc ? open(ctx.runtime.keyRing, patient.healthCardNumberEnc) : null,
  });
  for (const [field, text, label] of texts) {
    if (containsIdentifier(text, patterns)) {
      throw new BadUserInputError(field, `${label ?? field} contains an identifier of the patient; reviewers must not receive it`);
    }
  }
}
