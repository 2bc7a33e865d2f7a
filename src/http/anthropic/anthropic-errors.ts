import type { ServerResponse } from "node:http";
import type { AppError, ErrorCode } from "../../core/model/errors.js";
import { sendJson } from "../shared/json-response.js";
import { isUpstreamRateLimit, restStatus, retryAfterSeconds } from "../shared/rest-errors.js";

/** Anthropic's `error.type` per gateway code. */
const ANTHROPIC_TYPES: Record<ErrorCode, string> = {
  UNAUTHENTICATED: "authentication_error",
  FORBIDDEN: "permission_error",
  BAD_USER_INPUT: "invalid_request_error",
  NOT_FOUND: "not_found_error",
  BUDGET_EXCEEDED: "billing_error",
  RATE_LIMITED: "rate_limit_error",
  NO_ROUTE: "overloaded_error",
  UPSTREAM_ERROR: "api_error",
  PAYLOAD_TOO_LARGE: "request_too_large",
  INTERNAL_SERVER_ERROR: "api_error",
};

export function anthropicErrorType(error: AppError): string {
  if (isUpstreamRateLimit(error)) return "rate_limit_error";
  if (error.code === "UPSTREAM_ERROR" && error.details?.upstreamKind === "overloaded") return "overloaded_error";
  return ANTHROPIC_TYPES[error.code];
}

export function anthropicErrorBody(error: AppError): { type: "error"; error: { type: string; message: string } } {
  return { type: "error", error: { type: anthropicErrorType(error), message: error.message } };
}

export function sendAnthropicError(response: ServerResponse, error: AppError): void {
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== null) response.setHeader("retry-after", retryAfter);
  sendJson(response, restStatus(error), anthropicErrorBody(error));
}
