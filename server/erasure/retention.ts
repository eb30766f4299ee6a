import { buildContext, type RequestContext } from "../context.js";
import type { Runtime } from "../runtime.js";
import { eraseCaseContent, erasePatient, lockAgainstBackup, removeDocuments } from "./erasure.service.js";

/** Held for the whole run (session level): with several processes on one database, one runs it and the others skip. */
export const RETENTION_ADVISORY_LOCK = 7_004_002;
const DAY_MS = 24 * 60 * 60 * 1000;

interface ExpiredCase {
  id: string;
  patient_id: string;
  /** The patient has no other case left to keep. */
  all_expired: boolean;
}

/**
 * Cases CLOSED or WITHDRAWN more than `retentionDays` ago are erased; a patient all of
 * whose cases are past it is erased whole (identifiers, consents, account). Patients
 * under a legal hold are left alone. Returns what it erased, or null when another
 * process was already running it.
 */
export async function runRetention(runtime: Runtime): Promise<{ cases: number; patients: number } | null> {
  const runner = runtime.db.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [RETENTION_ADVISORY_LOCK]);
    if (!locked) return null;
    try {
      const expired: ExpiredCase[] = await runner.query(
        `WITH expired AS (
           SELECT c.id, c.patient_id FROM medical_case c JOIN patient p ON p.id = c.patient_id
            WHERE c.erased_at IS NULL AND c.status IN ('CLOSED', 'WITHDRAWN') AND c.status_since < now() - make_interval(days => $1::int)
              AND p.erased_at IS NULL AND p.legal_hold_at IS NULL)
         SELECT e.id, e.patient_id, NOT EXISTS (
                  SELECT 1 FROM medical_case o WHERE o.patient_id = e.patient_id AND o.erased_at IS NULL AND o.id NOT IN (SELECT id FROM expired)) AS all_expired
           FROM expired e ORDER BY e.patient_id, e.id`,
        [runtime.config.retentionDays],
      );
      const ctx = buildContext(runtime, { authorization: undefined, clientAddress: null }, undefined);
      const byPatient = new Map<string, ExpiredCase[]>();
      for (const row of expired) byPatient.set(row.patient_id, [...(byPatient.get(row.patient_id) ?? []), row]);
      let patients = 0;
      // Erasures requested and stopped halfway (or held, and the hold since lifted): finish them.
      const owed: Array<{ id: string }> = await runner.query(`SELECT id FROM patient WHERE erasure_requested_at IS NOT NULL AND erased_at IS NULL AND legal_hold_at IS NULL`);
      for (const { id } of owed) if (await erasePatient(ctx, id, { requested: false })) patients += 1;
      for (const [patientId, cases] of byPatient) {
        if (cases[0].all_expired) {
          if (await erasePatient(ctx, patientId, { requested: false, onlyIfNothingActive: true })) patients += 1;
        } else {
          await eraseCases(ctx, patientId, cases.map((c) => c.id));
        }
      }
      return { cases: expired.length, patients };
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [RETENTION_ADVISORY_LOCK]);
    }
  } finally {
    await runner.release();
  }
}

/** Some of a patient's cases, rechecked under the patient's lock (a hold placed meanwhile wins). */
async function eraseCases(ctx: RequestContext, patientId: string, caseIds: string[]): Promise<void> {
  const documents = await ctx.db.transaction(async (manager) => {
    await lockAgainstBackup(manager);
    const [patient] = await manager.query(`SELECT legal_hold_at FROM patient WHERE id = $1 FOR UPDATE`, [patientId]);
    if (!patient || patient.legal_hold_at) return [];
    return eraseCaseContent(ctx, manager, patientId, caseIds);
  });
  await removeDocuments(ctx, documents);
}

/** Once when the process starts, then daily; the timer never keeps the process alive. */
export function scheduleRetention(runtime: Runtime): { stop(): void; running(): Promise<unknown> } {
  let current: Promise<unknown> = Promise.resolve();
  const run = () => {
    current = runRetention(runtime)
      .then((result) => {
        if (result && result.cases > 0) runtime.logger.info(result, "retention: expired cases erased");
      })
      .catch((error) => runtime.logger.error({ errorName: (error as Error).name }, "retention run failed"));
  };
  run();
  const timer = setInterval(run, DAY_MS);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    running: () => current,
  };
}
