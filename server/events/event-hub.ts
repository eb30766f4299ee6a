import { execute, GraphQLError, type DocumentNode, type ExecutionResult, type GraphQLSchema } from "graphql";
import type { DataSource } from "typeorm";
import { canSeeEvent, type CaseView } from "../auth/policy.js";
import type { Viewer } from "../auth/viewer.js";
import { buildContext, flushReadAudit, type RequestContext } from "../context.js";
import { codedGraphQLError, formatError, logUnexpected } from "../errors.js";
import { CaseEventType } from "../common/enums.js";
import type { Runtime } from "../runtime.js";
import { CaseEntity } from "../cases/case.entity.js";
import { noteCaseRead } from "../cases/case-access.js";
import { ACCESS_LOG_FOLD_MINUTES } from "../audit/access-log.js";
import { CaseEventEntity } from "./case-event.entity.js";
import { CaseEventNode } from "./case-event.type.js";
import { SubscriptionHandle } from "./subscription-handle.js";
import { loadBatchFacts, viewInBatch } from "./batch-facts.js";
import { ConcurrencyLimit } from "../common/concurrency-limit.js";

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
  /** Gives back the slot reserve() counted against the user, once the subscription ends. */
  release?: () => void;
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
  /** The newest event queued for delivery, and the deliveries queued and not yet done, oldest first. */
  lastQueuedId: bigint;
  queue: Delivery[];
  /** While replaying (caseActivity with after), live events wait here. */
  backlog: CaseEventEntity[] | null;
  /** Whether results depend on who the viewer is, not only on their view of the case. */
  personal: boolean;
  /** When this subscription's read of its case was last written to the audit trail (ms since epoch). */
  readAuditedAt: number;
}


/** A subscriber whose socket would hold more than this unsent is cut off rather than buffered without end; it resumes with caseActivity(after). */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** One event's result for one subscriber; the cost limit on subscription documents keeps real ones to a few kilobytes. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Events queued for one subscriber and not yet sent. */
const MAX_PENDING_EVENTS = 1000;
/** Selections executed at once, and the time one may take before its subscribers are ended. */
const EXECUTION_CONCURRENCY = 8;
const EXECUTION_BUDGET_MS = 10_000;

const tooFarBehind = () =>
  new GraphQLError("The subscriber fell too far behind; subscribe again with caseActivity(after: the last id received)", { extensions: { code: "SERVICE_UNAVAILABLE" } });
const tooSlow = () =>
  new GraphQLError("The subscription's selection took too long to execute; subscribe again with a smaller selection", { extensions: { code: "SERVICE_UNAVAILABLE" } });
const tooLarge = () =>
  new GraphQLError(`An event's result exceeded ${MAX_MESSAGE_BYTES} bytes; subscribe again with a smaller selection`, { extensions: { code: "PAYLOAD_TOO_LARGE" } });

/** An execution's serialized result (shared by every subscriber of its group), or why there is none. */
type Payload = { text: string; bytes: number } | "FAILED" | "TIMEOUT";

/** One execution of a selection for one event, shared by the subscribers it is queued for. */
interface Execution {
  payload: Payload | null;
  subscribers: Subscriber[];
  done: Promise<void>;
}

/**
 * What waits in a subscriber's queue: an event to send once its execution is done, or the
 * end of the subscription. One small object per subscriber and event, and one promise per
 * execution, not per subscriber: at ten thousand subscribers, per-subscriber promise chains
 * were most of the hub's work (their garbage collection above all).
 */
type Delivery = { eventId: bigint; execution: Execution } | { end: GraphQLError };

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
 * every subscriber that shares them. Events reach a subscriber once, a case's in id order.
 */
export class EventHub {
  private nextId = 1;
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly byCase = new Map<string, Set<Subscriber>>();
  private readonly anyCase = new Set<Subscriber>();
  private readonly perUser = new Map<string, number>();
  private readonly executions = new ConcurrencyLimit(EXECUTION_CONCURRENCY);
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The most a subscriber's socket held unsent right after a send, since start. */
  private peakBufferedBytes = 0;

  constructor(
    private readonly runtime: Runtime,
    private readonly schema: GraphQLSchema,
  ) {}

  private get db(): DataSource {
    return this.runtime.db;
  }

  /** Sizes of the registry, for leak checks and metrics. */
  stats() {
    return { subscribers: this.subscribers.size, caseKeys: this.byCase.size, anyCase: this.anyCase.size, users: this.perUser.size, peakBufferedBytes: this.peakBufferedBytes };
  }

  /** Counts a subscription against its user before it is registered: null when the user already holds `limit`. */
  reserve(userId: string, limit: number): (() => void) | null {
    const held = this.perUser.get(userId) ?? 0;
    if (held >= limit) return null;
    this.perUser.set(userId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }

  /** Resolves once every batch published so far has been delivered (or its subscribers ended). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
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
      lastQueuedId: BigInt(request.after ?? 0),
      queue: [],
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
    subscriber.request.release?.();
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
      let after = subscriber.lastDeliveredId.toString();
      for (;;) {
        const rows = await this.db
          .getRepository(CaseEventEntity)
          .createQueryBuilder("e")
          .where("e.case_id = :caseId AND e.id > :after", { caseId: subscriber.request.caseId, after })
          .orderBy("e.id", "ASC")
          .limit(500)
          .getMany();
        if (rows.length === 0) break;
        await (await this.deliver(rows, [subscriber])).delivered;
        if (subscriber.handle.closed) return;
        after = rows[rows.length - 1].id;
      }
      while (subscriber.backlog && subscriber.backlog.length > 0) {
        await (await this.deliver(subscriber.backlog.splice(0), [subscriber])).delivered;
      }
      subscriber.backlog = null;
    } catch (error) {
      logUnexpected(this.runtime.logger, error, { step: "replay" });
      subscriber.handle.end(codedGraphQLError(error));
    }
  }

  /** Called by the outbox listener with each new batch, in id order. */
  async publish(events: CaseEventEntity[]): Promise<void> {
    // A subscriber is in anyCase or in the set of exactly one case.
    const interested: Subscriber[] = [...this.anyCase];
    for (const caseId of new Set(events.map((e) => e.caseId))) for (const s of this.byCase.get(caseId) ?? []) interested.push(s);
    const live: Subscriber[] = [];
    for (const subscriber of interested) {
      if (subscriber.backlog) subscriber.backlog.push(...events.filter((e) => e.caseId === subscriber.request.caseId));
      else live.push(subscriber);
    }
    if (live.length === 0) return;
    const { delivered } = await this.deliver(events, live);
    this.inFlight.add(delivered);
    void delivered.finally(() => this.inFlight.delete(delivered));
  }

  /**
   * Authorizes every subscriber for each event of the batch and queues its delivery behind
   * its earlier ones. Executions run at most EXECUTION_CONCURRENCY at a time, each within
   * its budget, and a subscriber is sent its result as soon as its own execution (and its
   * earlier events) are done: a slow selection holds up only the subscribers that share it.
   * Resolves once the batch is queued; the promise it returns settles once it is delivered.
   */
  private async deliver(events: CaseEventEntity[], subscribers: Subscriber[]): Promise<{ delivered: Promise<unknown> }> {
    const facts = await loadBatchFacts(this.db, events);
    const started: Array<Promise<void>> = [];
    for (const event of events) {
      const row = facts.cases.get(event.caseId);
      if (!row) continue;
      const eventId = BigInt(event.id);
      // view -> group key -> execution (nested, so no key string is built per subscriber).
      const executions = new Map<CaseView, Map<string, Execution>>();
      for (const subscriber of subscribers) {
        const { request } = subscriber;
        if (subscriber.handle.closed) continue;
        // Ids grow in commit order within a case only: the check against replays is per case.
        if (request.caseId && (request.caseId !== event.caseId || eventId <= subscriber.lastQueuedId)) continue;
        const view = viewInBatch(request.viewer, row, facts);
        if (!view) {
          // Rights ended (assignment over, consent revoked, case closed): a case-specific subscription ends, after what it was sent before.
          if (request.caseId) this.queue(subscriber, { end: notVisible() });
          continue;
        }
        if (request.field === "caseStatusChanged" && event.type !== CaseEventType.STATUS_CHANGED) continue;
        if (!canSeeEvent(view, event)) continue;
        subscriber.lastQueuedId = eventId;
        if (subscriber.queue.length >= MAX_PENDING_EVENTS) {
          subscriber.handle.end(tooFarBehind());
          continue;
        }
        let byGroup = executions.get(view);
        if (!byGroup) executions.set(view, (byGroup = new Map()));
        let execution = byGroup.get(subscriber.groupKey);
        if (!execution) {
          const now = Date.now();
          const auditRead = subscriber.personal && now - subscriber.readAuditedAt >= SUBSCRIPTION_READ_AUDIT_MS;
          if (auditRead) subscriber.readAuditedAt = now;
          execution = this.start(() => this.execute(request, view, event, row, auditRead), event);
          started.push(execution.done);
          byGroup.set(subscriber.groupKey, execution);
        }
        execution.subscribers.push(subscriber);
        subscriber.queue.push({ eventId, execution });
      }
    }
    return { delivered: Promise.all(started) };
  }

  /** Starts an execution; once it is done, each of its subscribers is sent what is ready at the head of its queue. */
  private start(run: () => Promise<ExecutionResult>, event: CaseEventEntity): Execution {
    const execution: Execution = { payload: null, subscribers: [], done: Promise.resolve() };
    execution.done = this.budgeted(run, event).then((payload) => {
      execution.payload = payload;
      for (const subscriber of execution.subscribers) this.pump(subscriber);
      execution.subscribers = [];
    });
    return execution;
  }

  private queue(subscriber: Subscriber, delivery: Delivery): void {
    subscriber.queue.push(delivery);
    this.pump(subscriber);
  }

  /** Sends, in order, the deliveries at the head of the subscriber's queue whose executions are done. */
  private pump(subscriber: Subscriber): void {
    const { queue } = subscriber;
    while (queue.length > 0) {
      if (subscriber.handle.closed) {
        queue.length = 0;
        return;
      }
      const head = queue[0];
      if (!("end" in head) && !head.execution.payload) return;
      queue.shift();
      try {
        if ("end" in head) subscriber.handle.end(head.end);
        else this.send(subscriber, head.execution.payload!, head.eventId);
      } catch (error) {
        logUnexpected(this.runtime.logger, error, { step: "event delivery" });
      }
    }
  }

  /** One execution within the concurrency limit and its time budget, serialized once for every subscriber that shares it. */
  private budgeted(run: () => Promise<ExecutionResult>, event: CaseEventEntity): Promise<Payload> {
    return this.executions.run(async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<Payload>((resolve) => (timer = setTimeout(() => resolve("TIMEOUT"), EXECUTION_BUDGET_MS)));
      const execution = run().then(
        (result): Payload => {
          const text = JSON.stringify(result);
          return { text, bytes: Buffer.byteLength(text) };
        },
        (error): Payload => {
          logUnexpected(this.runtime.logger, error, { step: "event delivery", eventId: event.id });
          return "FAILED";
        },
      );
      try {
        return await Promise.race([execution, timeout]);
      } finally {
        clearTimeout(timer);
      }
    });
  }

  /**
   * Sends one result unless it would take the socket's unsent bytes past the cap (then the
   * subscriber is cut off: it resumes with caseActivity(after)) or is larger than a message may be.
   */
  private send(subscriber: Subscriber, payload: Payload, eventId: bigint): void {
    if (payload === "FAILED") return subscriber.handle.end(new GraphQLError("Internal server error", { extensions: { code: "INTERNAL_SERVER_ERROR" } }));
    if (payload === "TIMEOUT") return subscriber.handle.end(tooSlow());
    if (payload.bytes > MAX_MESSAGE_BYTES) return subscriber.handle.end(tooLarge());
    const message = `${subscriber.messagePrefix}${payload.text}}`;
    if (subscriber.request.bufferedBytes() + subscriber.messagePrefix.length + payload.bytes + 1 > MAX_BUFFERED_BYTES) return subscriber.handle.end(tooFarBehind());
    subscriber.request.send(message);
    subscriber.lastDeliveredId = eventId;
    this.peakBufferedBytes = Math.max(this.peakBufferedBytes, subscriber.request.bufferedBytes());
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
