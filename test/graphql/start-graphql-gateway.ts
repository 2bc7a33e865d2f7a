import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import { loadConfig, type AppConfig } from "../../src/config/config.js";
import type { Database } from "../../src/db/client.js";
import type { GraphQLServices } from "../../src/graphql/context.js";
import { buildFederatedSchema } from "../../src/graphql/schema.js";
import { requireApiKey } from "../../src/server/authentication.js";
import { catalogReader } from "../../src/server/catalog.wiring.js";
import { startGraphQLHttpServer } from "../../src/server/graphql-http.server.js";
import { startGraphQLWebSocketServer } from "../../src/server/graphql-ws.server.js";
import { createMetrics } from "../../src/server/metrics.js";
import { createChatServices, type ChatServices } from "../../src/services/conversations/chat-services.js";
import { createGateway, type Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";

export const ADMIN_KEY = "sy-test-admin-key-for-graphql-tests-0123456789";

export interface GraphQLGateway {
  url: string;
  adminKey: string;
  gateway: Gateway;
  chat: ChatServices;
  config: AppConfig;
  /** Stops HTTP + graphql-ws and the gateway; leaves the database open (the caller owns it). */
  close(): Promise<void>;
}

/**
 * The GraphQL API (Apollo over HTTP + graphql-ws) on the gateway runtime, on an ephemeral port.
 * It composes the same pieces as the app's startApp (which the lead is wiring to the gateway);
 * the caller brings the database so a test can restart on the same data.
 */
export async function startGraphQLGateway(database: Database, openai: FakeUpstream, env: Record<string, string> = {}): Promise<GraphQLGateway> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHYARD_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: openai.baseUrl,
    SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    ...env,
  });
  const logger = pino({ level: config.logLevel });
  const gateway = await createGateway({ config, database, logger });
  await gateway.apiKeys.ensureAdminKey(config.adminKey);
  const chat = createChatServices({ database, completions: gateway.completions, router: gateway.router });
  const services: GraphQLServices = {
    catalog: catalogReader(gateway.catalog),
    entities: {},
    stats: gateway.stats,
    circuits: gateway.circuits,
    chat,
    now: () => Date.now(),
  };
  const schema = await buildFederatedSchema();
  const metrics = createMetrics();
  const app = express();
  const httpServer: Server = createServer(app);
  const webSockets = startGraphQLWebSocketServer({ httpServer, schema, services, authenticator: gateway.apiKeys, metrics, logger, development: process.env.TEST_GRAPHQL_DEVELOPMENT === "1" });
  const graphql = await startGraphQLHttpServer({
    httpServer,
    schema,
    services,
    development: process.env.TEST_GRAPHQL_DEVELOPMENT === "1",
    introspection: true,
    shutdownTimeoutMs: 2_000,
    onDrain: () => webSockets.dispose(),
    logger,
  });
  app.use("/graphql", requireApiKey(gateway.apiKeys, metrics), express.json(), graphql.handler);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: ADMIN_KEY,
    gateway,
    chat,
    config,
    async close() {
      await graphql.apollo.stop();
      await gateway.close();
    },
  };
}

export { startFakeOpenAI };
