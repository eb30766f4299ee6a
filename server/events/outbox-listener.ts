import { Client } from "pg";
import type { DataSource } from "typeorm";
import type { Logger } from "../logger.js";
import { CaseEventEntity } from "./case-event.entity.js";

export interface OutboxListenerOptions {
  /** Re-read the outbox this often even without a signal (the signal is only a wake-up). */
  pollIntervalMs?: number;
  batchSize?: number;
  maxBackoffMs?: number;
  /** Resolves once what was handed over has been delivered (delivery goes on after `deliver` returns). */
  delivered?: () => Promise<void>;
}

/**
 * One LISTEN connection per process. A NOTIFY only says "look"; the rows are read
 * from case_event by id (`id > last seen`), so a lost signal, a dropped connection
 * or a restarted PostgreSQL costs nothing: after reconnecting it catches up from the
 * table. Ids become visible in commit order (see outbox.ts), so nothing is skipped.
 */
export class OutboxListener {
  private client: Client | null = null;
  private lastId = "0";
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
    const [{ max }] = await this.db.query(`SELECT coalesce(max(id), 0)::text AS max FROM case_event`);
    this.lastId = max;
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
        const rows = await this.db
          .getRepository(CaseEventEntity)
          .createQueryBuilder("e")
          .where("e.id > :last", { last: this.lastId })
          .orderBy("e.id", "ASC")
          .limit(batchSize)
          .getMany();
        if (rows.length === 0) return;
        await this.deliver(rows);
        this.lastId = rows[rows.length - 1].id;
        if (rows.length < batchSize) return;
      }
    } catch (error) {
      // Read again from the same id soon (and on the next signal, poll or reconnect).
      this.logger.warn({ errorName: (error as Error).name }, "outbox read failed");
      if (!this.stopped) setTimeout(() => this.wake(), Math.min(this.backoffMs, 1000)).unref();
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
