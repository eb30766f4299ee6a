import { open, seal } from "../auth/field-crypto.js";
import { patientFileView } from "../auth/policy.js";
import { noteCaseRead, type VisibleCase } from "../cases/case-access.js";
import type { RequestContext } from "../context.js";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, NotFoundError } from "../errors.js";
import { Role } from "../common/enums.js";
import { dateOnly, normaliseEmail, requireText } from "../common/input.js";
import { LIMITS } from "../common/limits.js";
import { conflictOnUnique } from "../db/constraint-errors.js";
import { EMAIL_TAKEN } from "../users/user.service.js";
import { UserEntity } from "../users/user.entity.js";
import type { CreatePatientInput } from "./patient.input.js";
import { PatientEntity } from "./patient.entity.js";
import { PatientType } from "./patient.type.js";

/** A patient account has no password until its owner activates it (issueAccountInvitation). */
export async function createPatient(ctx: RequestContext, input: CreatePatientInput): Promise<PatientEntity> {
  const dateOfBirth = dateOnly(input.dateOfBirth);
  if (dateOfBirth > dateOnly(new Date()) || dateOfBirth < "1900-01-01") {
    throw new BadUserInputError("input.dateOfBirth", "input.dateOfBirth must be a past date after 1900");
  }
  const fullName = requireText(input.fullName, "input.fullName", LIMITS.name);
  const ring = ctx.runtime.keyRing;
  return ctx.db
    .transaction(async (manager) => {
      const user = await manager.save(
        manager.create(UserEntity, { email: normaliseEmail(input.email), role: Role.PATIENT, displayName: fullName, passwordHash: null }),
      );
      const patient = await manager.save(
        manager.create(PatientEntity, {
          userId: user.id,
          fullName,
          dateOfBirthEnc: seal(ring, dateOfBirth),
          healthCardNumberEnc: input.healthCardNumber ? seal(ring, input.healthCardNumber.trim()) : null,
          preferredLanguage: input.preferredLanguage,
        }),
      );
      await audit(ctx, { action: "CREATE_PATIENT", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
      return patient;
    })
    .catch((error) => conflictOnUnique(error, EMAIL_TAKEN));
}

/** Staff see every patient; a patient sees only themself; reviewers never see one. */
export async function findVisiblePatient(ctx: RequestContext, patientId: string): Promise<PatientEntity> {
  const patient = await ctx.loaders.patient.load(patientId);
  if (!patient || !patientFileView(ctx.viewer, patient.id)) throw new NotFoundError("Patient");
  return patient;
}

/** The patient profile of a user, for staff and the patient themself (a sign-in's payload is the signed-in user's: see adoptViewer). */
export async function patientOfUser(ctx: RequestContext, userId: string): Promise<PatientEntity | null> {
  const patient = await ctx.loaders.patientByUser.load(userId);
  return patient && patientFileView(ctx.viewer, patient.id) ? patient : null;
}

/** A patient's cases, as staff or the patient see them; read for the audit trail. */
export async function casesOfPatient(ctx: RequestContext, patientId: string): Promise<VisibleCase[]> {
  const view = patientFileView(ctx.viewer, patientId);
  if (!view) return [];
  const rows = await ctx.loaders.casesByPatient.load(patientId);
  for (const row of rows) noteCaseRead(ctx, row);
  return rows.map((row) => ({ row, view }));
}

/** Decrypts the identifiers for a viewer who may see them, and notes the read for the audit trail. */
export function toPatientType(ctx: RequestContext, row: PatientEntity): PatientType {
  ctx.pendingReads.push({ action: "READ_PATIENT", objectType: "Patient", objectId: row.id, patientId: row.id });
  const ring = ctx.runtime.keyRing;
  return Object.assign(new PatientType(), {
    id: row.id,
    userId: row.userId,
    fullName: row.fullName,
    dateOfBirth: open(ring, row.dateOfBirthEnc),
    healthCardNumber: row.healthCardNumberEnc ? open(ring, row.healthCardNumberEnc) : null,
    preferredLanguage: row.preferredLanguage,
  });
}
