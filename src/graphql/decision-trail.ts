import type { CompletionAttempt, RoutingCandidate } from "./completion-request.type.js";

/**
 * Reads the stored decision trail (jsonb written by the completion service from the router's
 * DecisionTrail). Stored JSON is read defensively: rows written by older versions may lack fields.
 */
interface StoredDecision {
  route: string | null;
  reason: string | null;
  attempts: unknown[];
  candidates: unknown[];
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);
const integer = (value: unknown): number | null => (typeof value === "number" && Number.isFinite(value) ? Math.round(value) : null);

export function decisionOf(decision: unknown): StoredDecision {
  const stored = record(decision);
  return {
    route: text(stored.route),
    reason: text(stored.reason),
    attempts: Array.isArray(stored.attempts) ? stored.attempts : [],
    candidates: Array.isArray(stored.candidates) ? stored.candidates : [],
  };
}

const STATUSES = new Set(["SUCCEEDED", "FAILED", "ABORTED", "SKIPPED"]);

export function attemptsOf(decision: unknown): CompletionAttempt[] {
  return decisionOf(decision).attempts.map((value, index) => {
    const attempt = record(value);
    const status = text(attempt.status);
    return {
      index,
      providerId: text(attempt.provider) ?? text(attempt.providerId) ?? "",
      modelId: text(attempt.model) ?? "",
      status: status && STATUSES.has(status) ? (status as CompletionAttempt["status"]) : "FAILED",
      reason: text(attempt.reason),
      errorKind: text(attempt.errorKind),
      errorMessage: text(attempt.errorMessage),
      httpStatus: integer(attempt.httpStatus),
      latencyMs: integer(attempt.latencyMs),
      timeToFirstTokenMs: integer(attempt.timeToFirstTokenMs),
    };
  });
}

export function candidatesOf(decision: unknown): RoutingCandidate[] {
  return decisionOf(decision).candidates.map((value) => {
    const candidate = record(value);
    return { modelId: text(candidate.model) ?? "", eligible: candidate.eligible !== false, reason: text(candidate.reason) ?? "" };
  });
}
