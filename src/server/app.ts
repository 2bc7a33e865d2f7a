import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "pino";
import type { AppConfig } from "../config/config.js";
import type { CircuitStore, StatsStore } from "../core/ports/index.js";
import { openDatabase, type Database } from "../db/client.js";
import type { GraphQLServices } from "../graphql/context.js";
import { buildFederatedSchema } from "../graphql/schema.js";
import { createAnthropicRouter, createMessagesHandler } from "../http/anthropic/anthropic.router.js";
import { createOpenAIHandlers, createOpenAIRouter } from "../http/openai/openai.router.js";
import { createAdminServices } from "../services/admin/admin-services.js";
import type { ApiKeyService } from "../services/auth/api-key.service.js";
import { createAdmissionControl } from "../services/budgets/admission-control.js";
import type { CatalogService } from "../services/catalog/catalog.service.js";
import { createChatServices } from "../services/conversations/chat-services.js";
import { createGateway, type Gateway } from "../services/gateway/gateway.js";
import { createInvalidationBus } from "../services/invalidation/invalidation-bus.js";
import { startGatewaySync } from "../services/invalidation/gateway-sync.js";
import { requireApiKey } from "./authentication.js";
import { toApiKey } from "../graphql/admin.mapping.js";
import { catalogReader } from "./catalog.wiring.js";
import { sendApiError } from "./error-responses.js";
import { startGraphQLHttpServer } from "./graphql-http.server.js";
import { startGraphQLWebSocketServer, type GraphQLWebSocketServer } from "./graphql-ws.server.js";
import { healthRoutes } from "./health.routes.js";
import { jsonBody } from "./json-body.js";
import { createLogger } from "./logger.js";
import { createMetrics, type AppMetrics } from "./metrics.js";
import { requestContext } from "./request-context.js";
import { createRestFastPath, type RestFastPath } from "./rest-fast-path.js";
import { shutdownWithin } from "./shutdown.js";

export interface StartAppOptions {
  /** An already-open database (tests). The app then leaves closing it to the caller. */
  database?: Database;
  logger?: Logger;
  /** Routing-core observations for `health` fields; without them health reads CLOSED with no data. */
  stats?: StatsStore;
  circuits?: CircuitStore;
}

export interface RunningApp {
  /** `http://host:port` */
  url: string;
  port: number;
  /** The admin secret generated on this start (first start without SWITCHYARD_ADMIN_KEY); null otherwise. */
  generatedAdminKey: string | null;
  database: Database;
  metrics: AppMetrics;
  logger: Logger;
  httpServer: Server;
  webSockets: GraphQLWebSocketServer;
  apiKeys: ApiKeyService;
  catalog: CatalogService;
  /** The services layer (router, completions, registries); tests reach in through it. */
  gateway: Gateway;
  /** Graceful stop: refuse new work, drain HTTP, close sockets, close an owned database; bounded by config.shutdownTimeoutMs. */
  close(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Express errors raised before a handler answered: body too large or not JSON. */
function bodyErrorHandler(metrics: AppMetrics, logger: Logger) {
  return (error: unknown, request: Request, response: Response, next: NextFunction): void => {
    if (response.headersSent) return next(error);
    const type = typeof error === "object" && error !== null && "type" in error ? String(error.type) : "";
    if (type === "entity.too.large") {
      metrics.rejected("payload_too_large");
      sendApiError(request, response, 413, "PAYLOAD_TOO_LARGE", "Request body too large.");
    } else if (type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported") {
      metrics.rejected("bad_request");
      sendApiError(request, response, 400, "BAD_USER_INPUT", "Request body is not valid JSON.");
    } else {
      logger.error({ err: error }, "unhandled request error");
      sendApiError(request, response, 500, "INTERNAL_SERVER_ERROR", "Internal server error.");
    }
  };
}

/** Composes every layer and listens on config.host:config.port (0 = ephemeral). */
export async function startApp(config: AppConfig, options: StartAppOptions = {}): Promise<RunningApp> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, development: config.development });
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  try {
    return await compose(config, database, ownsDatabase, logger, options);
  } catch (error) {
    if (ownsDatabase) await database.close().catch(() => undefined);
    throw error;
  }
}

async function compose(
  config: AppConfig,
  database: Database,
  ownsDatabase: boolean,
  logger: Logger,
  options: StartAppOptions,
): Promise<RunningApp> {
  const metrics = createMetrics();
  // One id for the instance heartbeat, its request rows and its budget/rate-limit leases.
  const instanceId = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const admission = createAdmissionControl({ database, logger, redisUrl: config.redisUrl, instanceId });
  const gateway = await createGateway({
    config,
    database,
    logger,
    instanceId,
    admission,
    metrics: metrics.completions,
    stats: options.stats,
    circuits: options.circuits,
  });
  const apiKeys = gateway.apiKeys;
  const { generatedSecret } = await apiKeys.ensureAdminKey(config.adminKey);
  const stopKeyInvalidations = await apiKeys.subscribeToInvalidations();
  const bus = createInvalidationBus({ database, redisUrl: config.redisUrl, logger });
  const sync = await startGatewaySync({ gateway, bus, logger });
  const catalog = gateway.catalog;
  const admin = createAdminServices({ gateway, bus, reloadNow: sync.reloadNow, admission });
  const chat = createChatServices({ database, completions: gateway.completions, router: gateway.router });
  const services: GraphQLServices = {
    catalog: catalogReader(catalog),
    entities: {
      routes: async (ids) => ids.map((id) => gateway.routes.byId(id) ?? null),
    },
    stats: gateway.stats,
    circuits: gateway.circuits,
    chat,
    admin,
    // `me` shows the caller's own budget (spent, reserved, resets) and limits.
    apiKeys: {
      getKey: async (id) => {
        const view = await admin.apiKeys.get(id);
        return view ? toApiKey(view) : null;
      },
    },
    now: () => Date.now(),
  };
  const schema = await buildFederatedSchema();

  const app = express();
  app.disable("x-powered-by");
  // The hot REST endpoints are answered on plain node:http first; everything else goes to Express.
  let fastPath: RestFastPath = () => false;
  const httpServer = createServer((request, response) => {
    if (!fastPath(request, response)) app(request, response);
  });
  const webSockets = startGraphQLWebSocketServer({
    httpServer,
    schema,
    services,
    authenticator: apiKeys,
    metrics,
    logger,
    development: config.development,
    maxPayloadBytes: config.bodyLimitBytes,
  });
  const graphql = await startGraphQLHttpServer({
    httpServer,
    schema,
    services,
    development: config.development,
    introspection: config.introspection,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    onDrain: () => webSockets.dispose(),
    logger,
  });

  let shuttingDown = false;
  app.use(requestContext(logger, metrics));
  app.use(healthRoutes({ database, metrics, metricsToken: config.metricsToken, isShuttingDown: () => shuttingDown }));
  const authenticate = requireApiKey(apiKeys, metrics);
  const json = jsonBody(config.bodyLimitBytes);
  app.use("/graphql", authenticate, json, graphql.handler);
  const restDeps = {
    completions: gateway.completions,
    catalog: { models: (filter?: { enabled?: boolean }) => catalog.models(filter) },
    routes: gateway.routes,
    keepAliveMs: config.sseKeepAliveMs,
  };
  const openai = createOpenAIHandlers(restDeps);
  const messages = createMessagesHandler(restDeps);
  app.use("/v1", authenticate, json, createOpenAIRouter(openai), createAnthropicRouter(messages));
  app.use("/v1", (request, response) => {
    sendApiError(request, response, 404, "NOT_FOUND", `Unknown endpoint ${request.method} ${request.originalUrl}.`);
  });
  app.use(bodyErrorHandler(metrics, logger));
  fastPath = createRestFastPath({ authenticator: apiKeys, metrics, logger, bodyLimitBytes: config.bodyLimitBytes, openai, messages, graphql: graphql.execute });

  const address = await listen(httpServer, config.host, config.port);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  logger.info({ url, driver: database.driver }, "switchyard listening");

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true;
      await shutdownWithin(config.shutdownTimeoutMs, logger, {
        drain: () => graphql.apollo.stop(),
        force: () => {
          httpServer.closeAllConnections();
          void webSockets.dispose();
        },
      });
      await stopKeyInvalidations().catch((error: unknown) => logger.warn({ err: error }, "stopping key invalidations failed"));
      await sync.stop().catch((error: unknown) => logger.warn({ err: error }, "stopping configuration sync failed"));
      await bus.close().catch(() => undefined);
      await gateway.close();
      await admission.close();
      if (ownsDatabase) await database.close();
      logger.info("switchyard stopped");
    })());

  return { url, port: address.port, generatedAdminKey: generatedSecret, database, metrics, logger, httpServer, webSockets, apiKeys, catalog, gateway, close };
}
