import crypto from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler } from "express";
import { Kind, type OperationDefinitionNode } from "graphql";
import client from "prom-client";
import type { DataSource } from "typeorm";
import type { Config } from "../config.js";
import type { RequestContext } from "../context.js";

/**
 * Prometheus metrics (prom-client), one registry per process: GraphQL requests and their
 * latency per operation, errors by code, open sockets and subscriptions, event delivery
 * lag, the outbox backlog, database pool use, and the age of the last backup. Labels are
 * bounded: an operation is named by its root fields (the schema's names), never by the
 * client's operationName.
 */
export interface Metrics {
  registry: client.Registry;
  requests: client.Counter<"operation">;
  duration: client.Histogram<"operation">;
  errors: client.Counter<"code">;
  deliveryLag: client.Histogram;
}

export interface MetricSources {
  db: DataSource;
  openSockets: () => number;
  subscriptions: () => number;
  lastDeliveredEventId: () => string;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: "meridian_process_" });
  const metrics: Metrics = {
    registry,
    requests: new client.Counter({ name: "meridian_graphql_requests_total", help: "GraphQL requests by operation (root fields)", labelNames: ["operation"], registers: [registry] }),
    duration: new client.Histogram({
      name: "meridian_graphql_request_duration_seconds",
      help: "GraphQL request latency by operation (root fields)",
      labelNames: ["operation"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    errors: new client.Counter({ name: "meridian_graphql_errors_total", help: "GraphQL errors by code", labelNames: ["code"], registers: [registry] }),
    deliveryLag: new client.Histogram({
      name: "meridian_event_delivery_lag_seconds",
      help: "From an event's write to its hand-over to the live subscribers",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
  new client.Gauge({ name: "meridian_websockets_open", help: "Open WebSocket connections", registers: [registry], collect() {
    this.set(sources.openSockets());
  } });
  new client.Gauge({ name: "meridian_subscriptions_active", help: "Live subscriptions", registers: [registry], collect() {
    this.set(sources.subscriptions());
  } });
  new client.Gauge({ name: "meridian_outbox_backlog_events", help: "Events written but not yet read by this process's outbox reader", registers: [registry], async collect() {
    const [{ newest }] = await sources.db.query(`SELECT coalesce(max(id), 0)::text AS newest FROM case_event`);
    this.set(Math.max(Number(BigInt(newest) - BigInt(sources.lastDeliveredEventId())), 0));
  } });
  const pool = new client.Gauge({ name: "meridian_db_pool_connections", help: "Database pool connections by state", labelNames: ["state"], registers: [registry], collect() {
    const driver = (sources.db.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    if (!driver) return;
    pool.set({ state: "total" }, driver.totalCount);
    pool.set({ state: "idle" }, driver.idleCount);
    pool.set({ state: "waiting" }, driver.waitingCount);
  } });
  new client.Gauge({ name: "meridian_backup_age_seconds", help: "Seconds since the last completed backup (absent: never)", registers: [registry], async collect() {
    const [{ age }] = await sources.db.query(`SELECT extract(epoch FROM now() - max("at"))::float8 AS age FROM audit_entry WHERE action = 'BACKUP'`);
    if (age === null) this.reset();
    else this.set(age);
  } });
  return metrics;
}

/** The operation as its root fields, e.g. "Mutation.transitionCase" (bounded by the schema). */
function operationLabel(operation: OperationDefinitionNode | undefined): string {
  if (!operation) return "unparsed";
  const type = operation.operation === "query" ? "Query" : operation.operation === "mutation" ? "Mutation" : "Subscription";
  const fields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).map((selection) => selection.name.value);
  return fields.length ? [...new Set(fields)].sort().map((field) => `${type}.${field}`).join(",") : type;
}

export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const stop = metrics.duration.startTimer();
      return {
        async willSendResponse({ operation, response }) {
          const label = operationLabel(operation ?? undefined);
          metrics.requests.inc({ operation: label });
          stop({ operation: label });
          // The errors as the client receives them: formatted, every one with its code.
          const errors = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
          for (const error of errors) metrics.errors.inc({ code: String(error.extensions?.code ?? "INTERNAL_SERVER_ERROR") });
        },
      };
    },
  };
}

/** GET /metrics: open outside production; in production only with MERIDIAN_METRICS_TOKEN as a bearer token, else off. */
export function metricsRoute(config: Config, metrics: Metrics): RequestHandler {
  const expected = config.metricsToken ? Buffer.from(`Bearer ${config.metricsToken}`) : undefined;
  return async (req, res) => {
    if (config.production) {
      const given = Buffer.from(req.headers.authorization ?? "");
      if (!expected) return void res.status(404).json({ code: "NOT_FOUND", message: "No such route" });
      if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return void res.status(401).json({ code: "UNAUTHENTICATED" });
    }
    res.setHeader("Content-Type", metrics.registry.contentType);
    res.setHeader("Cache-Control", "no-store");
    res.end(await metrics.registry.metrics());
  };
}
