import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { DataSource } from "typeorm";
import { canSeeEvent, caseView, isStaff, type CaseFacts, type CaseView } from "../auth/policy.js";
import type { Viewer } from "../auth/viewer.js";
import { buildContext, flushReadAudit, type RequestContext } from "../context.js";
import { codedGraphQLError, formatError, logUnexpected } from "../errors.js";
import { CaseEventType, type AssignmentStatus } from "../common/enums.js";
import type { Runtime } from "../runtime.js";
import { CaseEntity } from "../cases/case.entity.js";
import { noteCaseRead } from "../cases/case-access.js";
import { ACCESS_LOG_FOLD_MINUTES } from "../audit/access-log.js";
import { CaseEventEntity } from "./case-event.entity.js";
import { CaseEventNode } from "./case-event.type.js";
import { SubscriptionHandle } from "./subscription-handle.js";

export type SubscriptionField = "caseStatusChanged" | "caseActivity";

export interface SubscriptionRequest {
  field: SubscriptionField;
  viewer: Viewer;
  caseId: string | null;
  after: string | null;
  document: DocumentNode;
  /** The operation's text, operation name and variables: equal keys execute identically for equal views. */
  documentKey: string;
  operationName?: string | null;
  variableValues?: Record<string, unknown> | null;
  clientAddress: string | null;
  /** The graphql-ws subscription id, and the socket's send and backlog: results go out as bytes. */
  subscriptionId: string;
  send(message: string): void;
  bufferedBytes(): number;
}

interface Subscriber {
  id: number;
  request: SubscriptionRequest;
  handle: SubscriptionHandle;
  /** `{"id":"…","type":"next","payload":` for this subscription: only the payload varies per event. */
  messagePrefix: string;
  /** Subscribers whose group key and view are equal share one execution per event. */
  groupKey: string;
  lastDeliveredId: bigint;
  /** While replaying (caseActivity with after), live events wait here. */
  backlog: CaseEventEntity[] | null;
  /** Whether results depend on who the viewer is, not only on their view of the case. */
  personal: boolean;
  /** When this subscription's read of its case was last written to the audit trail (ms since epoch). */
  readAuditedAt: number;
}

/** What authorization needs about the cases of a batch, loaded once for every subscriber. */
interface BatchFacts {
  cases: Map<string, CaseEntity>;
  assignments: Map<string, Map<string, AssignmentStatus>>;
  consentCountries: Map<string, string[]>;
}

/** A subscriber whose socket has this much unsent is cut off rather than buffered without end; it resumes with caseActivity(after). */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const tooFarBehind = () =>
  new GraphQLError("The subscriber fell too far behind; subscribe again with caseActivity(after: the last id received)", { extensions: { code: "SERVICE_UNAVAILABLE" } });

/**
 * A subscription's reads are audited once per access log fold window, not once per
 * event: a replay of a hundred events is one read, and more rows within the window
 * would only fold into the same access log entry.
 */
const SUBSCRIPTION_READ_AUDIT_MS = ACCESS_LOG_FOLD_MINUTES * 60_000;

const notVisible = () => new GraphQLError("Case not found", { extensions: { code: "NOT_FOUND" } });

/**
 * Selections executed per person rather than per view: reads of identity or clinical
 * content are audited per person, document URLs are personal, and assignments show a
 * reviewer's own opinion. An event's own fields and its case's status are the same for
 * everyone with one view, and are shared.
 */
const PERSONAL_SELECTION = /\b(patient|reason|uploadUrl|downloadUrl|assignments|accessLog|summary|summaries|records|comments|options)\b/;

/**
 * Delivers outbox events to live subscribers. Per batch of events it loads the
 * facts once, authorizes every subscriber in memory with the pure policy, executes
 * the selection once per distinct (document, view) and hands the same result to
 * every subscriber that shares them. Events reach a subscriber in id order, once.
 */
export class EventHub {
  private nextId = 1;
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly byCase = new Map<string, Set<Subscriber>>();
  private readonly anyCase = new Set<Subscriber>();

  constructor(
    private readonly runtime: Runtime,
    private readonly schema: GraphQLSchema,
  ) {}

  private get db(): DataSource {
    return this.runtime.db;
  }

  /** Sizes of the registry, for leak checks and metrics. */
  stats() {
    return { subscribers: this.subscribers.size, caseKeys: this.byCase.size, anyCase: this.anyCase.size };
  }

  async subscribe(request: SubscriptionRequest): Promise<SubscriptionHandle> {
    const id = this.nextId++;
    const handle = new SubscriptionHandle(() => this.remove(id));
    const personal = PERSONAL_SELECTION.test(request.documentKey);
    const subscriber: Subscriber = {
      id,
      request,
      handle,
      messagePrefix: `{"id":${JSON.stringify(request.subscriptionId)},"type":"next","payload":`,
      groupKey: `${request.documentKey}\u0000${personal ? request.viewer.userId : request.viewer.role}`,
      lastDeliveredId: BigInt(request.after ?? 0),
      backlog: request.after !== null ? [] : null,
      personal,
      readAuditedAt: 0,
    };
    this.subscribers.set(id, subscriber);
    if (request.caseId) {
      const set = this.byCase.get(request.caseId) ?? new Set();
      set.add(subscriber);
      this.byCase.set(request.caseId, set);
    } else {
      this.anyCase.add(subscriber);
    }
    if (subscriber.backlog) void this.replay(subscriber);
    return handle;
  }

  private remove(id: number): void {
    const subscriber = this.subscribers.get(id);
    if (!subscriber) return;
    this.subscribers.delete(id);
    this.anyCase.delete(subscriber);
    const caseId = subscriber.request.caseId;
    if (caseId) {
      const set = this.byCase.get(caseId);
      set?.delete(subscriber);
      if (set && set.size === 0) this.byCase.delete(caseId);
    }
  }

  /** Replays what came after `after`, then whatever arrived meanwhile, then goes live: no gap, no duplicate. */
  private async replay(subscriber: Subscriber): Promise<void> {
    try {
      for (;;) {
        const rows = await this.db
          .getRepository(CaseEventEntity)
          .createQueryBuilder("e")
          .where("e.case_id = :caseId AND e.id > :after", { caseId: subscriber.request.caseId, after: subscriber.lastDeliveredId.toString() })
          .orderBy("e.id", "ASC")
          .limit(500)
          .getMany();
        if (rows.length === 0) break;
        await this.deliver(rows, [subscriber]);
        if (subscriber.handle.closed) return;
      }
      while (subscriber.backlog && subscriber.backlog.length > 0) {
        await this.deliver(subscriber.backlog.splice(0), [subscriber]);
      }
      subscriber.backlog = null;
    } catch (error) {
      logUnexpected(this.runtime.logger, error, { step: "replay" });
      subscriber.handle.end(codedGraphQLError(error));
    }
  }

  /** Called by the outbox listener with each new batch, in id order. */
  async publish(events: CaseEventEntity[]): Promise<void> {
    const interested = new Set<Subscriber>(this.anyCase);
    for (const event of events) for (const s of this.byCase.get(event.caseId) ?? []) interested.add(s);
    const live: Subscriber[] = [];
    for (const subscriber of interested) {
      if (subscriber.backlog) subscriber.backlog.push(...events.filter((e) => e.caseId === subscriber.request.caseId));
      else live.push(subscriber);
    }
    if (live.length > 0) await this.deliver(events, live);
  }

  private async loadFacts(events: CaseEventEntity[]): Promise<BatchFacts> {
    const caseIds = [...new Set(events.map((e) => e.caseId))];
    const cases = await this.db.getRepository(CaseEntity).createQueryBuilder("c").where("c.id = ANY(:caseIds)", { caseIds }).getMany();
    const patientIds = [...new Set(cases.map((c) => c.patientId))];
    const [assignmentRows, consentRows] = await Promise.all([
      this.db.query(`SELECT case_id, reviewer_id, status FROM review_assignment WHERE case_id = ANY($1::uuid[])`, [caseIds]) as Promise<Array<{ case_id: string; reviewer_id: string; status: AssignmentStatus }>>,
      this.db.query(
        `SELECT patient_id, array_agg(DISTINCT country) AS countries FROM consent, unnest(destination_countries) AS country
          WHERE patient_id = ANY($1::uuid[]) AND revoked_at IS NULL AND scope = 'CROSS_BORDER_REVIEW' GROUP BY patient_id`,
        [patientIds],
      ) as Promise<Array<{ patient_id: string; countries: string[] }>>,
    ]);
    const assignments = new Map<string, Map<string, AssignmentStatus>>();
    for (const row of assignmentRows) {
      const perCase = assignments.get(row.case_id) ?? new Map();
      perCase.set(row.reviewer_id, row.status);
      assignments.set(row.case_id, perCase);
    }
    return {
      cases: new Map(cases.map((c) => [c.id, c])),
      assignments,
      consentCountries: new Map(consentRows.map((r) => [r.patient_id, r.countries])),
    };
  }

  private viewOf(viewer: Viewer, row: CaseEntity, facts: BatchFacts): CaseView | null {
    if (row.erasedAt) return null;
    // Staff see every (unerased) case whatever the facts: no need to gather them.
    if (isStaff(viewer)) return "STAFF";
    const caseFacts: CaseFacts = {
      status: row.status,
      heldFrom: row.heldFrom,
      patientId: row.patientId,
      viewerAssignmentStatus: viewer.reviewerId ? (facts.assignments.get(row.id)?.get(viewer.reviewerId) ?? null) : null,
      consentCountries: facts.consentCountries.get(row.patientId) ?? [],
    };
    return caseView(viewer, caseFacts);
  }

  private async deliver(events: CaseEventEntity[], subscribers: Subscriber[]): Promise<void> {
    const facts = await this.loadFacts(events);
    for (const event of events) {
      const row = facts.cases.get(event.caseId);
      if (!row) continue;
      const eventId = BigInt(event.id);
      // view -> group key -> execution (nested, so no key string is built per subscriber).
      const executions = new Map<CaseView, Map<string, Promise<ExecutionResult>>>();
      const deliveries: Array<[Subscriber, Promise<ExecutionResult>]> = [];
      for (const subscriber of subscribers) {
        const { request } = subscriber;
        if (subscriber.handle.closed || eventId <= subscriber.lastDeliveredId) continue;
        if (request.caseId && request.caseId !== event.caseId) continue;
        const view = this.viewOf(request.viewer, row, facts);
        if (!view) {
          // Rights ended (assignment over, consent revoked, case closed): a case-specific subscription ends.
          if (request.caseId) subscriber.handle.end(notVisible());
          continue;
        }
        if (request.field === "caseStatusChanged" && event.type !== CaseEventType.STATUS_CHANGED) continue;
        if (!canSeeEvent(view, event)) continue;
        let byGroup = executions.get(view);
        if (!byGroup) executions.set(view, (byGroup = new Map()));
        let execution = byGroup.get(subscriber.groupKey);
        if (!execution) {
          const now = Date.now();
          const auditRead = subscriber.personal && now - subscriber.readAuditedAt >= SUBSCRIPTION_READ_AUDIT_MS;
          if (auditRead) subscriber.readAuditedAt = now;
          execution = this.execute(request, view, event, row, auditRead);
          byGroup.set(subscriber.groupKey, execution);
        }
        deliveries.push([subscriber, execution]);
      }
      // Each distinct execution settles and is serialized once; every subscriber gets the same bytes behind its own id.
      const payloads = new Map<Promise<ExecutionResult>, string | null>();
      await Promise.all(
        [...executions.values()].flatMap((byGroup) => [...byGroup.values()]).map((execution) =>
          execution.then(
            (result) => void payloads.set(execution, JSON.stringify(result)),
            (error) => {
              logUnexpected(this.runtime.logger, error, { step: "event delivery", eventId: event.id });
              payloads.set(execution, null);
            },
          ),
        ),
      );
      for (const [subscriber, execution] of deliveries) {
        // Unsubscribed (or ended) while the execution ran: nothing more may go out under its id.
        if (subscriber.handle.closed) continue;
        const payload = payloads.get(execution)!;
        if (payload === null) {
          subscriber.handle.end(new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } }));
        } else if (subscriber.request.bufferedBytes() > MAX_BUFFERED_BYTES) {
          subscriber.handle.end(tooFarBehind());
        } else {
          subscriber.request.send(`${subscriber.messagePrefix}${payload}}`);
          subscriber.lastDeliveredId = eventId;
        }
      }
    }
  }

  private async execute(request: SubscriptionRequest, view: CaseView, event: CaseEventEntity, row: CaseEntity, auditRead: boolean): Promise<ExecutionResult> {
    const ctx: RequestContext = buildContext(
      this.runtime,
      { authorization: undefined, clientAddress: request.clientAddress },
      { viewer: request.viewer, expiresAt: Number.MAX_SAFE_INTEGER },
    );
    ctx.loaders.case.prime(row.id, row);
    // Personal selections read identity or clinical content: the read is audited for this person.
    if (auditRead) noteCaseRead(ctx, row);
    const result = await execute({
      schema: this.schema,
      document: request.document,
      rootValue: CaseEventNode.from(event, view),
      contextValue: ctx,
      variableValues: request.variableValues ?? undefined,
      operationName: request.operationName ?? undefined,
    });
    // Within the window the same selection read the same case: its reads are already on the trail.
    if (auditRead) await flushReadAudit(ctx).catch((error) => logUnexpected(this.runtime.logger, error, { step: "subscription read audit" }));
    if (!result.errors) return result;
    return {
      ...result,
      errors: result.errors.map((error) => {
        const formatted = formatError(error.toJSON(), error);
        return new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });
      }),
    };
  }
}
