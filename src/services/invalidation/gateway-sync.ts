import type { Logger } from "pino";
import type { ConfigChange, InvalidationBus } from "./invalidation-bus.js";

/** What a sync reloads (the Gateway's reload(), or a narrower one). */
export interface Reloadable {
  reload(): Promise<void>;
}

export interface GatewaySync {
  /** Reloads now (coalesced with any reload in flight) — the local half of an admin change. */
  reloadNow(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Keeps one instance's in-memory routes, providers and catalog in step with the database: every
 * change broadcast on the bus (by any instance) triggers a reload. Reloads are coalesced: while one
 * runs, further notifications schedule exactly one more, so a burst of changes costs two reloads
 * and the last one always sees the latest rows.
 */
export async function startGatewaySync(options: { gateway: Reloadable; bus: InvalidationBus; logger: Logger }): Promise<GatewaySync> {
  const { gateway, bus, logger } = options;
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      // The loop below runs once more before `running` settles, so the caller sees its change.
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await gateway.reload();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  const unsubscribe = await bus.subscribe((change: ConfigChange) => {
    run().catch((error: unknown) => logger.error({ err: error, change }, "reload after a configuration change failed"));
  });
  return { reloadNow: run, stop: unsubscribe };
}
