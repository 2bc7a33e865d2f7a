import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Database } from "../../db/client.js";

/** What changed; receivers reload the matching in-memory state. */
export type ConfigChange = "routes" | "providers" | "models" | "all";

/** The channel (Postgres NOTIFY channel or Redis pub/sub channel) carrying ConfigChange payloads. */
export const CONFIG_CHANNEL = "switchyard_config";

/** Cross-instance broadcast of admin changes. */
export interface InvalidationBus {
  publish(change: ConfigChange): Promise<void>;
  /** Registers a handler for changes published by any instance (this one included). */
  subscribe(handler: (change: ConfigChange) => void): Promise<() => Promise<void>>;
  readonly transport: "postgres" | "redis";
  close(): Promise<void>;
}

function parseChange(payload: string): ConfigChange {
  return payload === "routes" || payload === "providers" || payload === "models" ? payload : "all";
}

/** Postgres LISTEN/NOTIFY (works on PGlite inside one process and on pg across instances). */
export function createPostgresInvalidationBus(database: Database): InvalidationBus {
  return {
    transport: "postgres",
    publish: (change) => database.notify(CONFIG_CHANNEL, change),
    subscribe: (handler) => database.listen(CONFIG_CHANNEL, (payload) => handler(parseChange(payload))),
    close: async () => {},
  };
}

/** Redis pub/sub (REDIS_URL): one publishing and one subscribed connection per instance. */
export function createRedisInvalidationBus(redisUrl: string, logger: Logger): InvalidationBus {
  const publisher = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  const subscriber = new Redis(redisUrl);
  for (const client of [publisher, subscriber]) client.on("error", (error) => logger.warn({ err: error }, "redis (invalidation) error"));
  const handlers = new Set<(change: ConfigChange) => void>();
  let subscribed: Promise<unknown> | null = null;
  subscriber.on("message", (channel: string, payload: string) => {
    if (channel !== CONFIG_CHANNEL) return;
    for (const handler of handlers) handler(parseChange(payload));
  });
  return {
    transport: "redis",
    publish: async (change) => {
      await publisher.publish(CONFIG_CHANNEL, change);
    },
    subscribe: async (handler) => {
      handlers.add(handler);
      await (subscribed ??= subscriber.subscribe(CONFIG_CHANNEL));
      return async () => {
        handlers.delete(handler);
      };
    },
    close: async () => {
      handlers.clear();
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}

export function createInvalidationBus(options: { database: Database; redisUrl: string | null; logger: Logger }): InvalidationBus {
  return options.redisUrl ? createRedisInvalidationBus(options.redisUrl, options.logger) : createPostgresInvalidationBus(options.database);
}
