import { AppError } from "../../core/model/errors.js";

/** Any thrown value as the AppError a REST client sees (unknown failures are internal errors). */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError("INTERNAL_SERVER_ERROR", "Internal server error.", { cause: error });
}

/** True for an upstream failure that was the upstream rate-limiting us on every candidate. */
export function isUpstreamRateLimit(error: AppError): boolean {
  return error.code === "UPSTREAM_ERROR" && error.details?.upstreamKind === "rate_limit";
}

/**
 * HTTP status of an AppError on REST. One refinement over AppError.httpStatus: when every candidate
 * answered 429 (retries exhausted), the client gets 429 with Retry-After rather than 502, so the
 * OpenAI / Anthropic SDKs back off the way they do against the provider itself.
 */
export function restStatus(error: AppError): number {
  return isUpstreamRateLimit(error) ? 429 : error.httpStatus;
}

/** `Retry-After` in whole seconds, when the error carries a wait. */
export function retryAfterSeconds(error: AppError): string | null {
  if (error.retryAfterMs === undefined) return error.code === "RATE_LIMITED" || isUpstreamRateLimit(error) ? "1" : null;
  return String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
}
