import type { EntityManager } from "typeorm";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { NotFoundError } from "../errors.js";
import { requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { Role } from "../common/enums.js";
import { PatientEntity } from "../patients/patient.entity.js";
import type { LegalHoldFacts } from "../patients/patient.type.js";
import { LegalHoldType } from "./legal-hold.type.js";
import { erasePatient } from "./erasure.service.js";

async function lockedPatient(ctx: RequestContext, patientId: string, work: (patient: PatientEntity, manager: EntityManager) => Promise<void>) {
  await ctx.db.transaction(async (manager) => {
    const patient = await manager.findOne(PatientEntity, { where: { id: patientId }, lock: { mode: "pessimistic_write" } });
    if (!patient || patient.erasedAt) throw new NotFoundError("Patient");
    await work(patient, manager);
  });
}

/** Admins only: nothing of the patient is erased (on request or by retention) while the hold stands. Placing it again replaces the reason. */
export async function placeLegalHold(ctx: RequestContext, patientId: string, reason: string): Promise<boolean> {
  const text = requireText(reason, "reason", LIMITS.shortText);
  await lockedPatient(ctx, patientId, async (patient, manager) => {
    await manager.update(PatientEntity, { id: patient.id }, { legalHoldReason: text, legalHoldAt: new Date(), legalHoldByUserId: ctx.viewer!.userId });
    await audit(ctx, { action: "PLACE_LEGAL_HOLD", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
  });
  return true;
}

/** Admins only: lifts the hold; an erasure requested under it runs now. True when that erasure ran. */
export async function liftLegalHold(ctx: RequestContext, patientId: string): Promise<boolean> {
  let pending = false;
  await lockedPatient(ctx, patientId, async (patient, manager) => {
    pending = patient.erasureRequestedAt !== null;
    await manager.update(PatientEntity, { id: patient.id }, { legalHoldReason: null, legalHoldAt: null, legalHoldByUserId: null });
    await audit(ctx, { action: "LIFT_LEGAL_HOLD", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
  });
  return pending ? erasePatient(ctx, patientId, { requested: false }) : false;
}

/** Admins see a standing hold; to anyone else it does not show (it may concern proceedings the patient is not told of). */
export function legalHoldOf(ctx: RequestContext, hold: LegalHoldFacts | null): LegalHoldType | null {
  if (!hold || ctx.viewer?.role !== Role.ADMIN) return null;
  return Object.assign(new LegalHoldType(), hold);
}
