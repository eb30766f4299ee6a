import { Client } from "pg";
import type { DataSource } from "typeorm";
import type { Logger } from "../logger.js";
import type { CaseEventEntity } from "./case-event.entity.js";
import { eventFromRow } from "./outbox.js";

export interface OutboxListenerOptions {
  /** Re-read the outbox this often even without a signal (the signal is only a wake-up). */
  pollIntervalMs?: number;
  batchSize?: number;
  maxBackoffMs?: number;
  /** Resolves once what was handed over has been delivered (delivery goes on after `deliver` returns). */
  delivered?: () => Promise<void>;
}

/**
 * The rows of case_event this reader has not handed over yet, as of one snapshot:
 * - every transaction below `$1` (the watermark, an earlier snapshot's xmin) had ended
 *   by an earlier read, which took its events;
 * - events already handed over that are not covered by the watermark are excluded by id
 *   (`$2`), or, while a catch-up runs over several batches, as those of transactions below
 *   `$3` with ids up to `$4`;
 * - `$5` is the newest id at start and `$6` the transactions in flight then: events from
 *   before the start are not announced (restored rows keep another cluster's tx_id);
 * - and a transaction at or above the snapshot's xmax cannot have committed: a tx_id
 *   there is a restored row's.
 * The snapshot's xmin comes from the same statement, hence the same snapshot: every
 * transaction below it has ended, and its events are all visible to this read.
 */
const READ_NEW_EVENTS = `
  WITH snapshot AS (SELECT pg_current_snapshot() AS s)
  SELECT (SELECT pg_snapshot_xmin(s)::text FROM snapshot) AS horizon, e.*
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
      SELECT * FROM case_event
       WHERE tx_id >= $1 AND tx_id < (SELECT pg_snapshot_xmax(s)::text::bigint FROM snapshot)
         AND id <> ALL($2::bigint[])
         AND NOT (tx_id < $3 AND id <= $4)
         AND (id > $5 OR tx_id = ANY($6::bigint[]))
       ORDER BY id
       LIMIT $7
    ) e ON true`;

/**
 * One LISTEN connection per process. A NOTIFY only says "look"; the rows are read from
 * case_event, so a lost signal, a dropped connection or a restarted PostgreSQL costs
 * nothing: after reconnecting it catches up from the table. Transactions commit in any
 * order (there is no global lock, see outbox.ts), so the reader does not go by "ids above
 * the last one": it takes the events of every transaction below the snapshot's xmin (all
 * of them have ended, and no later one can get an id below theirs), plus those already
 * committed above it, remembered by id so none is handed over twice. A case's events
 * come in id order; across cases the order is that of commit.
 */
export class OutboxListener {
  private client: Client | null = null;
  /** The newest id handed over (metrics: the backlog is measured from it). */
  private lastId = "0";
  /** Every event of a transaction below the watermark has been handed over. */
  private watermark = 0n;
  /** Events handed over whose transaction is not below the watermark: id -> tx_id. */
  private readonly handedOver = new Map<string, bigint>();
  /** During a catch-up in several batches: every event of a transaction below `catchUpTx` with an id up to `catchUpId` has been handed over. */
  private catchUpTx = 0n;
  private catchUpId = "0";
  /** The newest id at start, and the transactions then in flight (whose events, when they commit, are new). */
  private startId = "0";
  private startInFlight: bigint[] = [];
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;
  private backoffMs = 100;
  private pollTimer: NodeJS.Timeout | null = null;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** How many times the LISTEN connection was (re)established; tests watch it. */
  connections = 0;

  constructor(
    private readonly db: DataSource,
    private readonly url: string,
    private readonly deliver: (events: CaseEventEntity[]) => Promise<void>,
    private readonly logger: Logger,
    private readonly options: OutboxListenerOptions = {},
  ) {}

  /** Starts after the newest committed event: only what happens from now on is announced. */
  async start(): Promise<void> {
    const [start]: Array<{ max: string; xmin: string; inflight: string[] }> = await this.db.query(
      `SELECT coalesce((SELECT max(id) FROM case_event), 0)::text AS max, pg_snapshot_xmin(s)::text AS xmin,
              array(SELECT x::text FROM pg_snapshot_xip(s) x) AS inflight
         FROM pg_current_snapshot() s`,
    );
    this.lastId = this.startId = start.max;
    this.watermark = BigInt(start.xmin);
    this.startInFlight = start.inflight.map(BigInt);
    await this.connect();
    const interval = this.options.pollIntervalMs ?? 1000;
    if (interval > 0) {
      this.pollTimer = setInterval(() => this.wake(), interval);
      this.pollTimer.unref();
    }
  }

  get lastSeenId(): string {
    return this.lastId;
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: "meridian-listener" });
    client.on("notification", () => this.wake());
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query("LISTEN case_event");
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      // stop() ran while we were connecting: this connection is not wanted any more.
      client.removeAllListeners();
      client.on("error", () => {});
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.connections += 1;
    this.backoffMs = 100;
    this.wake();
  }

  private lost(client: Client, error?: unknown): void {
    if (this.client === client) this.client = null;
    client.removeAllListeners();
    client.on("error", () => {});
    client.end().catch(() => {});
    if (this.stopped || this.reconnectTimer) return;
    this.logger.warn({ errorName: (error as Error | undefined)?.name, retryInMs: this.backoffMs }, "outbox listener lost its connection");
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connect();
    }, this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, this.options.maxBackoffMs ?? 5000);
  }

  /** Reads everything new; a wake-up during a read makes it read once more afterwards. */
  wake(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.drainAgain = true;
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      if (this.drainAgain) {
        this.drainAgain = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? 500;
    try {
      for (;;) {
        const rows: Array<Record<string, unknown> & { horizon: string }> = await this.db.query(READ_NEW_EVENTS, [
          this.watermark.toString(),
          [...this.handedOver.keys()],
          this.catchUpTx.toString(),
          this.catchUpId,
          this.startId,
          this.startInFlight.map(String),
          batchSize,
        ]);
        const horizon = BigInt(rows[0].horizon);
        const events = rows.filter((row) => row.id !== null).map((row) => eventFromRow(this.db.manager, row));
        if (events.length > 0) await this.deliver(events);
        for (const event of events) {
          if (BigInt(event.id) > BigInt(this.lastId)) this.lastId = event.id;
          this.handedOver.set(event.id, BigInt(event.txId));
        }
        if (events.length === batchSize) {
          // More may be waiting: all events below the horizon up to the last id are handed over.
          // That covers the previous position only if the last id is not below it; else the ids remembered do.
          const lastId = events[events.length - 1].id;
          if (BigInt(lastId) >= BigInt(this.catchUpId)) {
            this.catchUpTx = horizon;
            this.catchUpId = lastId;
          }
          this.forgetCovered();
          continue;
        }
        // Everything below the horizon was visible to this read, and is handed over.
        this.watermark = horizon;
        this.catchUpTx = 0n;
        this.catchUpId = "0";
        if (this.startInFlight.length > 0 && this.startInFlight.every((tx) => tx < horizon)) this.startInFlight = [];
        this.forgetCovered();
        return;
      }
    } catch (error) {
      // Read again from the same position soon (and on the next signal, poll or reconnect).
      this.logger.warn({ errorName: (error as Error).name }, "outbox read failed");
      if (!this.stopped) setTimeout(() => this.wake(), Math.min(this.backoffMs, 1000)).unref();
    }
  }

  /** Drops the ids the watermark (or the catch-up position) now covers. */
  private forgetCovered(): void {
    const catchUpId = BigInt(this.catchUpId);
    for (const [id, tx] of this.handedOver) {
      if (tx < this.watermark || (tx < this.catchUpTx && BigInt(id) <= catchUpId)) this.handedOver.delete(id);
    }
  }

  /** Resolves once everything committed so far has been delivered. */
  async settle(): Promise<void> {
    this.wake();
    while (this.draining) await this.draining;
    await this.options.delivered?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.draining;
    // Deliveries still executing use the pool, which closes after this.
    await this.options.delivered?.();
    const client = this.client;
    this.client = null;
    if (client) {
      client.removeAllListeners();
      client.on("error", () => {});
      await client.end().catch(() => {});
    }
  }
}
