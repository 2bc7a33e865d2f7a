import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import type { CompletionMetrics } from "../services/completion/completion-metrics.js";

/** Why a request was refused before any upstream call (SPEC §8: counted, not stored as rows). */
export type RejectionReason = "unauthenticated" | "forbidden" | "budget_exceeded" | "rate_limited" | "bad_request" | "payload_too_large";

export interface AppMetrics {
  /** The app's own registry: several apps in one process (tests) never share metrics. */
  registry: Registry;
  requestsRejected: Counter<"reason">;
  httpRequestDuration: Histogram<"method" | "route" | "status">;
  rejected(reason: RejectionReason): void;
  /** What the completion service reports (requests, tokens, cost, latency by served model). */
  completions: CompletionMetrics;
}

export function createMetrics(): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestsRejected = new Counter({
    name: "switchyard_requests_rejected_total",
    help: "Requests refused before any upstream call, by reason.",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  const httpRequestDuration = new Histogram({
    name: "switchyard_http_request_duration_seconds",
    help: "HTTP request duration (until the response finished), by route group.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const completionsTotal = new Counter({
    name: "switchyard_completions_total",
    help: "Completion requests that reached routing, by protocol, provider, model and final status.",
    labelNames: ["protocol", "provider", "model", "status"] as const,
    registers: [registry],
  });
  const tokensTotal = new Counter({
    name: "switchyard_tokens_total",
    help: "Tokens consumed, by provider, model and kind (input, output, cached_input).",
    labelNames: ["provider", "model", "kind"] as const,
    registers: [registry],
  });
  const costTotal = new Counter({
    name: "switchyard_cost_usd_total",
    help: "Cost in USD of completed requests, by provider and model (monitoring only; billing reads the database).",
    labelNames: ["provider", "model"] as const,
    registers: [registry],
  });
  const completionLatency = new Histogram({
    name: "switchyard_completion_duration_seconds",
    help: "Completion latency including failover, by provider and model.",
    labelNames: ["provider", "model"] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [registry],
  });
  const rejected = (reason: string) => requestsRejected.inc({ reason });
  return {
    registry,
    requestsRejected,
    httpRequestDuration,
    rejected,
    completions: {
      rejected,
      completed: (protocol, outcome) => {
        const provider = outcome.model?.providerId ?? "none";
        const model = outcome.model?.id ?? "none";
        completionsTotal.inc({ protocol, provider, model, status: outcome.status });
        completionLatency.observe({ provider, model }, outcome.latencyMs / 1000);
        const usage = outcome.usage;
        if (usage) {
          tokensTotal.inc({ provider, model, kind: "input" }, usage.inputTokens);
          tokensTotal.inc({ provider, model, kind: "output" }, usage.outputTokens);
          if (usage.cachedInputTokens > 0) tokensTotal.inc({ provider, model, kind: "cached_input" }, usage.cachedInputTokens);
        }
        if (outcome.cost) costTotal.inc({ provider, model }, Number(outcome.cost.totalUsd));
      },
    },
  };
}
