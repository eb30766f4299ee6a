import { seal } from "../auth/field-crypto.js";
import { ageBand, patientFileView } from "../auth/policy.js";
import { noteCaseRead, type VisibleCase } from "../cases/case-access.js";
import { CaseEntity } from "../cases/case.entity.js";
import type { RequestContext } from "../context.js";
import { IsNull } from "typeorm";
import { audit } from "../audit/audit.service.js";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../errors.js";
import { Role } from "../common/enums.js";
import { dateOnly, normaliseEmail, requireText } from "../common/input.js";
import { LIMITS, PAGES } from "../common/limits.js";
import type { Page } from "../common/paging.js";
import { conflictOnUnique } from "../db/constraint-errors.js";
import { EMAIL_TAKEN } from "../users/user.service.js";
import { UserEntity } from "../users/user.entity.js";
import type { CreatePatientInput, UpdatePatientInput } from "./patient.input.js";
import { PatientEntity } from "./patient.entity.js";
import { PatientType } from "./patient.type.js";

function validDateOfBirth(value: Date, field: string): string {
  const dateOfBirth = dateOnly(value);
  if (dateOfBirth > dateOnly(new Date()) || dateOfBirth < "1900-01-01") throw new BadUserInputError(field, `${field} must be a past date after 1900`);
  return dateOfBirth;
}

/** A patient account has no password until its owner activates it (issueAccountInvitation). */
export async function createPatient(ctx: RequestContext, input: CreatePatientInput): Promise<PatientEntity> {
  const dateOfBirth = validDateOfBirth(input.dateOfBirth, "input.dateOfBirth");
  const fullName = requireText(input.fullName, "input.fullName", LIMITS.name);
  const ring = ctx.runtime.keyRing;
  return ctx.db
    .transaction(async (manager) => {
      const user = await manager.save(
        manager.create(UserEntity, { email: normaliseEmail(input.email), role: Role.PATIENT, displayName: fullName, passwordHash: null, activated: false }),
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

/**
 * Staff correct a patient's details. The name is also the account's display name and the
 * email the account's login, so both rows change together. Identity is not a case event:
 * the change is audited, and no case's version moves.
 */
export async function updatePatient(ctx: RequestContext, patientId: string, input: UpdatePatientInput): Promise<PatientEntity> {
  if (patientFileView(ctx.viewer, patientId) !== "STAFF") throw new ForbiddenError();
  for (const field of ["fullName", "dateOfBirth", "email", "preferredLanguage"] as const) {
    if (input[field] === null) throw new BadUserInputError(`input.${field}`, `input.${field} cannot be cleared`);
  }
  const fullName = input.fullName === undefined ? undefined : requireText(input.fullName, "input.fullName", LIMITS.name);
  const dateOfBirth = input.dateOfBirth ? validDateOfBirth(input.dateOfBirth, "input.dateOfBirth") : undefined;
  const email = input.email ? normaliseEmail(input.email) : undefined;
  const healthCardNumber = input.healthCardNumber === undefined ? undefined : input.healthCardNumber?.trim() || null;
  const ring = ctx.runtime.keyRing;
  const updated = await ctx.db
    .transaction(async (manager) => {
      const patient = await manager.findOne(PatientEntity, { where: { id: patientId }, lock: { mode: "pessimistic_write" } });
      if (!patient || patient.erasedAt) throw new NotFoundError("Patient");
      const user = await manager.findOneOrFail(UserEntity, { where: { id: patient.userId }, lock: { mode: "pessimistic_write" } });
      if (fullName !== undefined) {
        patient.fullName = fullName;
        user.displayName = fullName;
      }
      if (email !== undefined) user.email = email;
      if (dateOfBirth !== undefined) {
        patient.dateOfBirthEnc = seal(ring, dateOfBirth);
        // Reviewers see the age band of the corrected date, still taken on each case's opening day.
        const cases = await manager.find(CaseEntity, { select: { id: true, openedAt: true }, where: { patientId, erasedAt: IsNull() } });
        for (const kase of cases) await manager.update(CaseEntity, kase.id, { patientAgeBand: ageBand(dateOfBirth, kase.openedAt) });
      }
      if (healthCardNumber !== undefined) patient.healthCardNumberEnc = healthCardNumber === null ? null : seal(ring, healthCardNumber);
      if (input.preferredLanguage) patient.preferredLanguage = input.preferredLanguage;
      await manager.save(user);
      await manager.save(patient);
      await audit(ctx, { action: "UPDATE_PATIENT", objectType: "Patient", objectId: patient.id, patientId: patient.id }, manager);
      return { patient, user };
    })
    .catch((error) => conflictOnUnique(error, EMAIL_TAKEN));
  ctx.loaders.patient.clear(patientId).prime(patientId, updated.patient);
  ctx.loaders.user.clear(updated.user.id).prime(updated.user.id, updated.user);
  return updated.patient;
}

/** Staff see every patient; a patient sees only themself; reviewers never see one; an erased patient no one sees. */
export async function findVisiblePatient(ctx: RequestContext, patientId: string): Promise<PatientEntity> {
  const patient = await ctx.loaders.patient.load(patientId);
  if (!patient || patient.erasedAt || !patientFileView(ctx.viewer, patient.id)) throw new NotFoundError("Patient");
  return patient;
}

/** The patient profile of a user, for staff and the patient themself (a sign-in's payload is the signed-in user's: see adoptViewer). */
export async function patientOfUser(ctx: RequestContext, userId: string): Promise<PatientEntity | null> {
  const patient = await ctx.loaders.patientByUser.load(userId);
  return patient && !patient.erasedAt && patientFileView(ctx.viewer, patient.id) ? patient : null;
}

/** A patient's cases, as staff or the patient see them; read for the audit trail. */
export async function casesOfPatient(ctx: RequestContext, patientId: string, page: Page): Promise<VisibleCase[]> {
  const view = patientFileView(ctx.viewer, patientId);
  if (!view) return [];
  // Cases erased by retention are seen by no one (caseView).
  const rows = await ctx.loaders.casePagesByPatient.load({ parentId: patientId, page, filter: { sql: "y.erased_at IS NULL", params: {} } });
  for (const row of rows) noteCaseRead(ctx, row);
  return rows.map((row) => ({ row, view }));
}

/** Notes that the viewer read a patient's identity (written to the audit trail when the request ends). */
export function notePatientRead(ctx: RequestContext, patientId: string): void {
  ctx.pendingReads.push({ action: "READ_PATIENT", objectType: "Patient", objectId: patientId, patientId });
}

/** The patient for a viewer who may see their identity (identifiers decrypted when asked for); notes the read for the audit trail. */
export function toPatientType(ctx: RequestContext, row: PatientEntity): PatientType {
  notePatientRead(ctx, row.id);
  return Object.assign(new PatientType(), {
    id: row.id,
    userId: row.userId,
    fullName: row.fullName,
    preferredLanguage: row.preferredLanguage,
    keyRing: ctx.runtime.keyRing,
    dateOfBirthEnc: row.dateOfBirthEnc,
    healthCardNumberEnc: row.healthCardNumberEnc,
    hold: row.legalHoldReason !== null && row.legalHoldAt !== null ? { reason: row.legalHoldReason, placedAt: row.legalHoldAt, erasureRequested: row.erasureRequestedAt !== null } : null,
  });
}
