import type { RandomSource } from "../ports/clock.js";

export interface BackoffOptions {
  /** Delay before the first failover retry (ms). */
  initialDelayMs: number;
  maxDelayMs: number;
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 50, maxDelayMs: 1_000, factor: 2 };

/**
 * Exponential backoff with "full jitter" (AWS architecture blog): uniform in [0, min(cap, base × f^n)].
 * Written here rather than taken from cockatiel because cockatiel's generators draw from Math.random,
 * and the router's randomness must come from the injected RandomSource so tests are reproducible.
 */
export function backoffDelay(retry: number, options: BackoffOptions, random: RandomSource): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}
