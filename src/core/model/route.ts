import type { ModelCapability } from "./catalog.js";

/** How a route orders its candidates (SPEC §2). */
export type RoutingStrategy = "FALLBACK" | "WEIGHTED" | "CHEAPEST" | "FASTEST" | "AUTO";

export const ROUTING_STRATEGIES: readonly RoutingStrategy[] = ["FALLBACK", "WEIGHTED", "CHEAPEST", "FASTEST", "AUTO"];

export interface RouteTarget {
  /** `provider/model` or a bare model name (every deployment that serves it). */
  model: string;
  weight: number;
  priority: number;
}

export interface RouteConstraints {
  requiredCapabilities?: ModelCapability[];
  maxInputPricePerMTok?: number;
  minContextWindow?: number;
  /** Only deployments of these provider ids. */
  providers?: string[];
}

/** A named routing policy, addressed as `route:NAME`. */
export interface RouteDefinition {
  id: string;
  name: string;
  strategy: RoutingStrategy;
  /** Empty: every enabled non-local catalog model (the `auto` route's default). */
  targets: RouteTarget[];
  constraints: RouteConstraints;
  /** Upstream attempts per request, failovers and retries included. */
  maxAttempts: number;
  /** Per attempt: the whole upstream call. */
  timeoutMs: number;
  /** Per attempt: until the first token (stream) or the response (non-stream). */
  firstTokenTimeoutMs: number;
  /** Longest Retry-After the router waits to retry the last candidate (default 2,000). */
  maxRetryAfterMs: number;
  enabled: boolean;
  updatedAt: Date;
}

export const DEFAULT_MAX_RETRY_AFTER_MS = 2_000;

/** Retry and timeout policy used for directly addressed models and as defaults for new routes. */
export const DEFAULT_ROUTE_POLICY = {
  maxAttempts: 3,
  timeoutMs: 120_000,
  firstTokenTimeoutMs: 30_000,
  maxRetryAfterMs: DEFAULT_MAX_RETRY_AFTER_MS,
} as const;
