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

/**
 * Appends events inside the change's transaction, as its last writes. Each case's
 * `version` goes up by one per event; that row lock also orders a case's events: a
 * later change to the case waits for this one's commit, so within a case ids follow
 * commit order. Across cases no lock is taken: transactions commit in any order, and
 * the reader takes an event only once every transaction up to the one that wrote it
 * has ended (its `tx_id` below the snapshot's xmin, see outbox-listener.ts).
 */
export async function appendEvents(manager: EntityManager, actorUserId: string | null, events: NewCaseEvent[]): Promise<CaseEventEntity[]> {
  if (events.length === 0) return [];
  const perCase = new Map<string, number>();
  for (const event of events) perCase.set(event.caseId, (perCase.get(event.caseId) ?? 0) + 1);
  // The update also gives the transaction its id before the insert draws event ids (the reader relies on it).
  for (const [caseId, count] of perCase) {
    await manager
      .createQueryBuilder()
      .update(CaseEntity)
      .set({ version: () => `"version" + ${count}`, updatedAt: () => "now()" })
      .where("id = :caseId", { caseId })
      .execute();
  }
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
  return (result.raw as Array<Record<string, unknown>>).map((raw) => eventFromRow(manager, raw));
}

/** A case_event row as read with plain SQL (snake_case columns) as the entity. */
export function eventFromRow(manager: EntityManager, raw: Record<string, unknown>): CaseEventEntity {
  return manager.create(CaseEventEntity, {
    id: String(raw.id),
    caseId: raw.case_id as string,
    type: raw.type as CaseEventType,
    at: raw.at as Date,
    fromStatus: raw.from_status as CaseStatus | null,
    toStatus: raw.to_status as CaseStatus | null,
    note: raw.note as string | null,
    actorUserId: raw.actor_user_id as string | null,
    subjectId: raw.subject_id as string | null,
    txId: String(raw.tx_id),
  });
}
