import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig, type AppConfig } from "../../src/config/config.js";
import { startApp, type RunningApp } from "../../src/server/app.js";
import type { Gateway } from "../../src/services/gateway/gateway.js";
import type { CircuitStore } from "../../src/core/ports/stats-store.js";
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI, type FakeUpstream } from "./fake-upstreams/index.js";
import { graphqlData } from "./graphql-client.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface StartedGateway {
  /** `http://127.0.0.1:port` — the OpenAI SDK takes `${url}/v1`, the Anthropic SDK `url`. */
  url: string;
  adminKey: string;
  database: TestDatabase;
  /** The services layer of the running app (read-only use in tests: registries, router). */
  gateway: Gateway;
  app: RunningApp;
  config: AppConfig;
  fakes: { openai: FakeUpstream; anthropic: FakeUpstream; gemini: FakeUpstream };
  close(): Promise<void>;
}

export interface StartGatewayOptions {
  /** Extra environment for the app (wins over the defaults below). */
  env?: Record<string, string>;
  /** Circuit breaker store (e.g. `new InMemoryCircuitStore({ cooldownMs: 500 })`); default: the app's own. */
  circuits?: CircuitStore;
}

const ADMIN_KEY = "sy-test-admin-key-for-rest-tests-0123456789";

/** The environment every in-process test app shares: ephemeral port, quiet logs, a known admin key, a fake OpenAI. */
export function baseTestEnv(dataDir: string, adminKey: string, openaiBaseUrl: string): Record<string, string> {
  return {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SWITCHYARD_ADMIN_KEY: adminKey,
    SWITCHYARD_DATA_DIR: dataDir,
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: openaiBaseUrl,
    SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
  };
}

/**
 * The real app (startApp: admission control, invalidation bus, admin services, REST and GraphQL) with fake
 * OpenAI, Anthropic and Gemini upstreams configured through the SPEC's env vars, on a fresh test database
 * (PGlite, or a throw-away database on DATABASE_URL's server), listening on an ephemeral port.
 */
export async function startGatewayWithFakes(options: StartGatewayOptions = {}): Promise<StartedGateway> {
  const [openai, anthropic, gemini] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  const dataDir = await mkdtemp(join(tmpdir(), "sy-rest-"));
  const closeFakes = () => Promise.all([openai.close(), anthropic.close(), gemini.close()]);
  const config = loadConfig({
    ...baseTestEnv(dataDir, ADMIN_KEY, openai.baseUrl),
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GEMINI_API_KEY: "gem-fake",
    GEMINI_BASE_URL: gemini.baseUrl,
    SWITCHYARD_SSE_KEEPALIVE_MS: "150",
    ...options.env,
  });
  const database = await createTestDatabase();
  let app: RunningApp;
  try {
    app = await startApp(config, { database, logger: pino({ level: config.logLevel }), circuits: options.circuits });
  } catch (error) {
    await database.dispose();
    await closeFakes();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: app.url,
    adminKey: ADMIN_KEY,
    database,
    gateway: app.gateway,
    app,
    config,
    fakes: { openai, anthropic, gemini },
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await database.dispose();
        await closeFakes();
        await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** Admin-facing inputs of `createApiKey` (schema/schema.graphql `CreateApiKeyInput`). */
export interface ApiKeyInput {
  name: string;
  role?: "ADMIN" | "APP";
  allowedModels?: string[];
  budgetUsd?: number;
  budgetPeriod?: "DAY" | "MONTH" | "TOTAL";
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** Creates a gateway key the way an admin does: the `createApiKey` mutation. Returns its id and one-time secret. */
export async function createApiKey(url: string, adminKey: string, input: ApiKeyInput): Promise<{ id: string; secret: string }> {
  const data = await graphqlData<{ createApiKey: { apiKey: { id: string }; secret: string } }>(
    url,
    adminKey,
    `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } secret } }`,
    { input: { role: "APP", ...input } },
  );
  return { id: data.createApiKey.apiKey.id, secret: data.createApiKey.secret };
}

/** Creates or replaces a route the way an admin does: the `upsertRoute` mutation. */
export async function upsertRoute(
  url: string,
  adminKey: string,
  input: {
    name: string;
    strategy: string;
    targets: { model: string; weight?: number; priority?: number }[];
    maxAttempts?: number;
    timeoutMs?: number;
    firstTokenTimeoutMs?: number;
    maxRetryAfterMs?: number;
    enabled?: boolean;
  },
): Promise<{ id: string; name: string }> {
  const data = await graphqlData<{ upsertRoute: { id: string; name: string } }>(
    url,
    adminKey,
    `mutation($input: UpsertRouteInput!) { upsertRoute(input: $input) { id name } }`,
    { input },
  );
  return data.upsertRoute;
}
