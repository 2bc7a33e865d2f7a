import type { RouteOutcome } from "../../core/routing/router.types.js";

/** What the completion service reports; the server layer implements it with prom-client. */
export interface CompletionMetrics {
  /** A request refused before any upstream call (reason: the error code, lower-case). */
  rejected(reason: string): void;
  /** A request that ran (any status). */
  completed(protocol: string, outcome: RouteOutcome): void;
}

export const NO_METRICS: CompletionMetrics = { rejected: () => {}, completed: () => {} };
