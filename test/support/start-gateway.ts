import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import { loadConfig } from "../../src/config/config.js";
import type { Database } from "../../src/db/client.js";
import { createAnthropicRouter, createOpenAIRouter } from "../../src/http/index.js";
import { requireApiKey } from "../../src/server/authentication.js";
import { requestContext } from "../../src/server/request-context.js";
import { createMetrics } from "../../src/server/metrics.js";
import type { AdmissionControl } from "../../src/services/completion/admission.js";
import { createGateway, type Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from "./fake-upstreams/index.js";
import { createTestDatabase } from "./test-database.js";

export interface StartedGateway {
  /** `http://127.0.0.1:port` — the OpenAI SDK takes `${url}/v1`, the Anthropic SDK `url`. */
  url: string;
  adminKey: string;
  database: Database;
  gateway: Gateway;
  fakes: { openai: FakeUpstream; anthropic: FakeUpstream; gemini: FakeUpstream };
  close(): Promise<void>;
}

const ADMIN_KEY = "sy-test-admin-key-for-rest-tests-0123456789";

/**
 * The gateway with fake OpenAI, Anthropic and Gemini upstreams configured through the SPEC's env vars,
 * on a fresh test database, listening on an ephemeral port.
 */
export interface StartGatewayOptions {
  keepAliveMs?: number;
  env?: Record<string, string>;
  /** Budgets / rate limits port (until the token-management services are wired in the app). */
  admission?: AdmissionControl;
}

export async function startGatewayWithFakes(options: StartGatewayOptions = {}): Promise<StartedGateway> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHYARD_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: openai.baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GEMINI_API_KEY: "gem-fake",
    GEMINI_BASE_URL: gemini.baseUrl,
    SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    ...options.env,
  });
  const database = await createTestDatabase();
  const logger = pino({ level: config.logLevel });
  const gateway = await createGateway({ config, database, logger, admission: options.admission });
  await gateway.apiKeys.ensureAdminKey(config.adminKey);
  const metrics = createMetrics();
  const app = express();
  const deps = { completions: gateway.completions, catalog: gateway.catalog, routes: gateway.routes, keepAliveMs: options.keepAliveMs };
  app.use(requestContext(logger, metrics));
  app.use("/v1", requireApiKey(gateway.apiKeys, metrics), createOpenAIRouter(deps), createAnthropicRouter(deps));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    adminKey: ADMIN_KEY,
    database,
    gateway,
    fakes: { openai, anthropic, gemini },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.close();
      await database.dispose();
      await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
    },
  };
}
