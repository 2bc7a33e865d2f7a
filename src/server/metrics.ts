import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/** Why a request was refused before any upstream call (SPEC §8: counted, not stored as rows). */
export type RejectionReason = "unauthenticated" | "forbidden" | "budget_exceeded" | "rate_limited" | "bad_request" | "payload_too_large";

export interface AppMetrics {
  /** The app's own registry: several apps in one process (tests) never share metrics. */
  registry: Registry;
  requestsRejected: Counter<"reason">;
  httpRequestDuration: Histogram<"method" | "route" | "status">;
  rejected(reason: RejectionReason): void;
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
  return {
    registry,
    requestsRejected,
    httpRequestDuration,
    rejected: (reason) => requestsRejected.inc({ reason }),
  };
}
