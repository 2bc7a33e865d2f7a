import type { ConfigChange, InvalidationBus } from "../invalidation/invalidation-bus.js";

/** Applies a committed admin change here and announces it to every other instance. */
export interface ConfigChanges {
  /** Reloads this instance (awaited, so the caller reads its own write) and broadcasts `change`. */
  applied(change: ConfigChange): Promise<void>;
}

export function createConfigChanges(options: { reloadNow: () => Promise<void>; bus: InvalidationBus }): ConfigChanges {
  return {
    applied: async (change) => {
      await options.bus.publish(change);
      await options.reloadNow();
    },
  };
}
