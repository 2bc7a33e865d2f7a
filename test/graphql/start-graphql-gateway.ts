import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { loadConfig, type AppConfig } from "../../src/config/config.js";
import type { Database } from "../../src/db/client.js";
import { startApp, type RunningApp } from "../../src/server/app.js";
import type { Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";
import { baseTestEnv } from "../support/start-gateway.js";

export const ADMIN_KEY = "sy-test-admin-key-for-graphql-tests-0123456789";

export interface GraphQLGateway {
  url: string;
  adminKey: string;
  gateway: Gateway;
  app: RunningApp;
  config: AppConfig;
  /** Stops the app (HTTP, graphql-ws, gateway); leaves the database open (the caller owns it). */
  close(): Promise<void>;
}

/**
 * The real app (startApp) with a fake OpenAI upstream configured through OPENAI_API_KEY / OPENAI_BASE_URL,
 * on an ephemeral port. The caller brings the database so a test can restart on the same data.
 */
export async function startGraphQLGateway(database: Database, openai: FakeUpstream, env: Record<string, string> = {}): Promise<GraphQLGateway> {
  const dataDir = await mkdtemp(join(tmpdir(), "sy-graphql-"));
  const config = loadConfig({
    ...baseTestEnv(dataDir, ADMIN_KEY, openai.baseUrl),
    ...(process.env.TEST_GRAPHQL_DEVELOPMENT === "1" ? { NODE_ENV: "development" } : {}),
    ...env,
  });
  let app: RunningApp;
  try {
    app = await startApp(config, { database, logger: pino({ level: config.logLevel }) });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: app.url,
    adminKey: ADMIN_KEY,
    gateway: app.gateway,
    app,
    config,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

export { startFakeOpenAI };
