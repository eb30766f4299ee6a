import type { EntityManager } from "typeorm";
import type { CaseEventType, CaseStatus } from "../common/enums.js";
import { CaseEntity } from "../cases/case.entity.js";
import { CaseEventEntity } from "./case-event.entity.js";

export interface NewCaseEvent {
  caseId: string;
  type: CaseEventType;
  fromStatus?: CaseStatus | null;
  toStatus?: CaseStatus | null;
  note?: string | null;
  subjectId?: string | null;
}

/** One lock key for the whole outbox: event ids become visible in the order they were handed out. */
export const OUTBOX_LOCK_KEY = 4_711_000_001;

/**
 * Appends events inside the change's transaction, as its last writes. Each case's
 * `version` goes up by one per event. The transaction-level advisory lock is taken
 * right before the insert and held until commit, so a later id never commits before
 * an earlier one: a reader taking "every id above the last I saw" misses nothing.
 */
export async function appendEvents(manager: EntityManager, actorUserId: string | null, events: NewCaseEvent[]): Promise<CaseEventEntity[]> {
  if (events.length === 0) return [];
  const perCase = new Map<string, number>();
  for (const event of events) perCase.set(event.caseId, (perCase.get(event.caseId) ?? 0) + 1);
  for (const [caseId, count] of perCase) {
    await manager
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ version: () => `"version" + ${count}`, updatedAt: () => "now()" })
      .where("id = :caseId", { caseId })
      .execute();
  }
  await manager.query("SELECT pg_advisory_xact_lock($1)", [OUTBOX_LOCK_KEY]);
  const rows = events.map((event) => ({
    caseId: event.caseId,
    type: event.type,
    fromStatus: event.fromStatus ?? null,
    toStatus: event.toStatus ?? null,
    note: event.note ?? null,
    subjectId: event.subjectId ?? null,
    actorUserId,
  }));
  const result = await manager.createQueryBuilder().insert().into(CaseEventEntity).values(rows).returning("*").execute();
  return (result.raw as Array<Record<string, unknown>>).map((raw) =>
    manager.create(CaseEventEntity, {
      id: String(raw.id),
      caseId: raw.case_id as string,
      type: raw.type as CaseEventType,
      at: raw.at as Date,
      fromStatus: raw.from_status as CaseStatus | null,
      toStatus: raw.to_status as CaseStatus | null,
      note: raw.note as string | null,
      actorUserId: raw.actor_user_id as string | null,
      subjectId: raw.subject_id as string | null,
    }),
  );
}
