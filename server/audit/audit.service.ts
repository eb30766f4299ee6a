import type { EntityManager } from "typeorm";
import type { Role } from "../common/enums.js";
import type { RequestContext } from "../context.js";
import type { AuditAction } from "./access-log.js";
import { AuditEntryEntity } from "./audit-entry.entity.js";

/** A refused root field ("Mutation.transitionCase"), audited under its own name. */
export type DeniedOperation = `${"Query" | "Mutation" | "Subscription"}.${string}`;

export interface AuditRecord {
  /** AuditAction: every action has its place in the patient's access log (access-log.ts), if any. */
  action: AuditAction | DeniedOperation;
  objectType: string;
  objectId: string | null;
  patientId?: string | null;
  outcome?: "ALLOWED" | "DENIED";
  /** Who acted, when not the signed-in viewer (a login, an activation). */
  actor?: { id: string; role: Role };
}

/**
 * Appends to the audit trail. Pass the change's transaction manager so the entry
 * commits (or rolls back) with what it records; reads use the context's connection.
 */
export async function audit(ctx: RequestContext, record: AuditRecord, manager: EntityManager = ctx.db.manager): Promise<void> {
  await manager.insert(AuditEntryEntity, {
    actorUserId: record.actor?.id ?? ctx.viewer?.userId ?? null,
    actorRole: record.actor?.role ?? ctx.viewer?.role ?? null,
    action: record.action,
    objectType: record.objectType,
    objectId: record.objectId,
    patientId: record.patientId ?? null,
    requestId: ctx.requestId,
    clientAddress: ctx.clientAddress,
    outcome: record.outcome ?? "ALLOWED",
  });
}
