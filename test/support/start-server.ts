import pino from "pino";
import { loadConfig, type AppConfig } from "../../src/config/config.js";
import { startApp, type RunningApp } from "../../src/server/app.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

export interface TestApp {
  app: RunningApp;
  database: TestDatabase;
  config: AppConfig;
  /** The admin key generated on start (every test database is fresh). */
  adminKey: string;
  /** Stops the app, then drops the database. Safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Starts the whole app in-process on an ephemeral port with a fresh test database
 * (PGlite, or a throw-away database on DATABASE_URL's server). Logs are silent unless TEST_LOG_LEVEL is set.
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const config = loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", ...env });
  const database = await createTestDatabase();
  // Tests close the database early (readiness); pg's pool.end() throws when called twice, which would
  // make dispose() skip dropping the throw-away database. One close, however often it is called.
  const closeOnce = database.close.bind(database);
  let closing: Promise<void> | undefined;
  database.close = () => (closing ??= closeOnce());
  const logger = pino({ level: config.logLevel });
  let app: RunningApp;
  try {
    app = await startApp(config, { database, logger });
  } catch (error) {
    await database.dispose();
    throw error;
  }
  if (!app.generatedAdminKey) {
    await app.close();
    await database.dispose();
    throw new Error("expected the first start on a fresh database to generate an admin key");
  }
  let disposed: Promise<void> | undefined;
  return {
    app,
    database,
    config,
    adminKey: app.generatedAdminKey,
    dispose: () =>
      (disposed ??= (async () => {
        await app.close();
        await database.dispose().catch(() => undefined);
      })()),
  };
}
