import "reflect-metadata";
import crypto from "node:crypto";
import http from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import cors from "cors";
import express from "express";
import helmet from "helmet";
import { createContext, flushReadAudit, type RequestContext } from "./context.js";
import { createMetrics, metricsPlugin, metricsRoute, type Metrics } from "./metrics/metrics.js";
import type { CaseEventEntity } from "./events/case-event.entity.js";
import { asDomainError, formatError, isStorageFull, isUnexpected, lastResortErrors, logUnexpected, requestBodyErrors, unknownRoute } from "./errors.js";
import type { Logger } from "./logger.js";
import { documentRoutes } from "./records/document.routes.js";
import type { Runtime } from "./runtime.js";
import { createArmor, webSocketValidationErrorMask, webSocketValidationRules } from "./schema/armor.js";
import { buildMeridianSchema } from "./schema/build-schema.js";
import { jitGateway } from "./schema/jit-executor.js";
import { originAllowed } from "./common/origins.js";
import { servedOverWebSocket } from "./events/case-event.subscription.js";
import { EventHub } from "./events/event-hub.js";
import { OutboxListener } from "./events/outbox-listener.js";
import { attachWebSocketServer } from "./events/websocket.js";
import { webAppRoutes } from "./web-app.routes.js";
import { UPLOAD_URL_SECONDS } from "./auth/tokens.js";
import { bodyDeadlines, createHttpServer } from "./http-limits.js";
import { scheduleRetention } from "./erasure/retention.js";
import { scheduleCaseCountCompaction } from "./cases/case-counts.js";


export interface App {
  runtime: Runtime;
  httpServer: http.Server;
  hub: EventHub;
  listener: OutboxListener;
  /** Closes sockets whose sign-in has ended (also run on a timer). */
  recheckSessions(): Promise<void>;
  /** Removes partial uploads left by a crash (run at start and on a timer). */
  sweepPartialUploads(): Promise<void>;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

/** Refuses subscriptions over HTTP, stamps the request id on masked errors, logs them, writes the read audit. */
function requestPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") servedOverWebSocket();
        },
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            if (isUnexpected(error)) logUnexpected(logger, error, { requestId: contextValue.requestId, path: error.path?.join(".") });
            // Expected conditions an operator must still see: the database out of reach or time, a full disk.
            else if (asDomainError(error)?.code === "SERVICE_UNAVAILABLE") {
              const cause = error.originalError as { code?: string } | undefined;
              logger.warn({ requestId: contextValue.requestId, errorCode: cause?.code, storageFull: isStorageFull(error) }, "service unavailable");
            }
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind === "single") {
            for (const error of response.body.singleResult.errors ?? []) {
              if (error.extensions?.code === "INTERNAL_SERVER_ERROR") (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
          await flushReadAudit(contextValue).catch((error) => logUnexpected(logger, error, { requestId: contextValue.requestId, step: "audit" }));
        },
      };
    },
  };
}

/**
 * A partial upload untouched for longer than an upload URL lives belongs to no upload in progress (a
 * live one writes at least every MERIDIAN_UPLOAD_RATE_WINDOW_MS), whichever process shares the directory.
 */
const PARTIAL_UPLOAD_AGE_MS = UPLOAD_URL_SECONDS * 1000;
const PARTIAL_UPLOAD_SWEEP_MS = 5 * 60 * 1000;

/** Hands a batch to the hub and records how long each event took from its write to delivery. */
async function deliverMeasured(hub: EventHub, events: CaseEventEntity[], metrics: Metrics | undefined): Promise<void> {
  await hub.publish(events);
  const now = Date.now();
  for (const event of events) metrics?.deliveryLag.observe(Math.max(now - event.at.getTime(), 0) / 1000);
}

/** The HTTP (and WebSocket) server over a runtime: GraphQL, documents, health, metrics. */
export async function createApp(runtime: Runtime): Promise<App> {
  const { config, db, logger } = runtime;
  const schema = buildMeridianSchema();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  const httpServer = createHttpServer(config, app);
  const sweepPartialUploads = async () => {
    const removed = await runtime.documents.sweepPartials(PARTIAL_UPLOAD_AGE_MS);
    if (removed > 0) logger.info({ removed }, "partial uploads removed");
  };
  const sweep = () => sweepPartialUploads().catch((error) => logUnexpected(logger, error, { step: "partial upload sweep" }));
  await sweep();
  const sweepTimer = setInterval(sweep, PARTIAL_UPLOAD_SWEEP_MS);
  sweepTimer.unref();
  const hub = new EventHub(runtime, schema);
  let metrics: Metrics | undefined;
  const listener = new OutboxListener(db, (db.options as { url: string }).url, (events) => deliverMeasured(hub, events, metrics), logger, {
    pollIntervalMs: config.outboxPollMs,
    delivered: () => hub.idle(),
  });
  await listener.start();
  const retention = scheduleRetention(runtime);
  const caseCounts = scheduleCaseCountCompaction(db, logger);
  const webSockets = attachWebSocketServer(httpServer, runtime, schema, hub, {
    verifyOrigin: (origin, host) => originAllowed(origin, host, config.allowedOrigins),
    validationRules: webSocketValidationRules(config.production),
    maskValidationError: webSocketValidationErrorMask(config.production),
  });

  metrics = createMetrics({
    db,
    openSockets: () => webSockets.wss.clients.size,
    subscriptions: () => hub.stats().subscribers,
    lastDeliveredEventId: () => listener.lastSeenId,
  });

  const armor = createArmor(config.production);
  const apollo = new ApolloServer<RequestContext>({
    gateway: jitGateway(schema),
    formatError,
    validationRules: armor.validationRules,
    parseOptions: armor.parseOptions,
    allowBatchedHttpRequests: false,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it drains this server, then closes the pool and PostgreSQL.
    stopOnTerminationSignals: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginCacheControlDisabled(), ...armor.plugins, requestPlugin(logger), metricsPlugin(metrics)],
  });
  await apollo.start();

  app.use(bodyDeadlines(config));
  app.use((req, res, next) => {
    const requestId = crypto.randomUUID();
    res.setHeader("X-Request-Id", requestId);
    (req as express.Request & { requestId: string }).requestId = requestId;
    next();
  });
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/metrics", metricsRoute(config, metrics));
  app.get("/readyz", async (_req, res) => {
    try {
      const pending = await db.showMigrations();
      res.status(pending ? 503 : 200).json({ status: pending ? "migrations pending" : "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });
  app.use(helmet({ contentSecurityPolicy: config.production ? undefined : false, crossOriginEmbedderPolicy: false }));
  // A browser origin outside the allow-list is refused outright, not merely left without CORS headers.
  app.use((req, res, next) => {
    if (originAllowed(req.headers.origin, req.headers.host, config.allowedOrigins)) return next();
    res.status(403).json({ code: "FORBIDDEN", message: "Origin not allowed" });
  });
  app.use(cors({ origin: config.allowedOrigins.length > 0 ? [...config.allowedOrigins] : false, maxAge: 600 }));
  app.use(documentRoutes(runtime));
  // Exactly /graphql: /graphql/anything is an unknown route.
  app.all(
    "/graphql",
    express.json({ limit: "1mb" }),
    expressMiddleware(apollo, {
      context: async ({ req }) =>
        createContext(runtime, {
          authorization: req.headers.authorization,
          requestId: (req as express.Request & { requestId: string }).requestId,
          clientAddress: req.ip ?? null,
        }),
    }),
  );
  app.use("/graphql", requestBodyErrors);
  app.use(webAppRoutes(config.clientDir));
  app.use(unknownRoute);
  app.use(lastResortErrors(logger));

  return {
    runtime,
    httpServer,
    hub,
    listener,
    recheckSessions: webSockets.recheckSessions,
    sweepPartialUploads,
    listen: (port) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, () => {
          const bound = (httpServer.address() as { port: number }).port;
          runtime.publicUrl = runtime.config.publicUrl ?? `http://localhost:${bound}`;
          resolve(bound);
        });
      }),
    close: async () => {
      clearInterval(sweepTimer);
      caseCounts.stop();
      retention.stop();
      await retention.running();
      await webSockets.close();
      await apollo.stop();
      await listener.stop();
    },
  };
}
