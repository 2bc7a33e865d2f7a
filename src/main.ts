/**
 * Composition root: configuration, then the app (which wires every layer), then signals.
 * Output meant for the operator (URL, one-time admin key, config errors) goes to stdout/stderr as
 * plain lines; everything else is structured pino logs.
 */
import "reflect-metadata";
import { ConfigError, loadConfig, type AppConfig } from "./config/config.js";
import { startApp } from "./server/app.js";
import { createLogger } from "./server/logger.js";
import { closeOnSignals } from "./server/shutdown.js";

function readConfig(): AppConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${error.message.replace(/\s*\n\s*/g, " ")}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = readConfig();
  const logger = createLogger({ level: config.logLevel, development: config.development });
  const app = await startApp(config, { logger });
  closeOnSignals(app.close, logger, { hardExitMs: config.shutdownTimeoutMs + 5_000 });
  const startupMs = Math.round(performance.now() - startedAt);
  // One write, so a reader of the output sees the URL and the key together.
  let banner = `Switchyard listening on ${app.url} (GraphQL ${app.url}/graphql, ${app.database.driver}, started in ${startupMs} ms)\n`;
  if (app.generatedAdminKey) {
    banner +=
      `\nAdmin API key (shown once, stored only as a hash — keep it now):\n\n  ${app.generatedAdminKey}\n\n` +
      `Use it as: Authorization: Bearer <key>\n\n`;
  }
  process.stdout.write(banner);
}

main().catch((error: unknown) => {
  process.stderr.write(`Switchyard failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
