import type { ServerResponse } from "node:http";
import type { AppError, ErrorCode } from "../../core/model/errors.js";
import { sendJson } from "../shared/json-response.js";
import { isUpstreamRateLimit, restStatus, retryAfterSeconds } from "../shared/rest-errors.js";

/** OpenAI's `error.type` / `error.code` per gateway code (SPEC §8: unknown model → `model_not_found`). */
const OPENAI_ERRORS: Record<ErrorCode, { type: string; code: string | null }> = {
  UNAUTHENTICATED: { type: "invalid_request_error", code: "invalid_api_key" },
  FORBIDDEN: { type: "permission_error", code: "model_not_allowed" },
  BAD_USER_INPUT: { type: "invalid_request_error", code: null },
  NOT_FOUND: { type: "invalid_request_error", code: "model_not_found" },
  BUDGET_EXCEEDED: { type: "insufficient_quota", code: "budget_exceeded" },
  RATE_LIMITED: { type: "rate_limit_error", code: "rate_limit_exceeded" },
  NO_ROUTE: { type: "server_error", code: "no_route" },
  UPSTREAM_ERROR: { type: "upstream_error", code: "upstream_error" },
  PAYLOAD_TOO_LARGE: { type: "invalid_request_error", code: "request_too_large" },
  INTERNAL_SERVER_ERROR: { type: "server_error", code: "internal_error" },
};

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export function openAIErrorBody(error: AppError): OpenAIErrorBody {
  const mapped = isUpstreamRateLimit(error) ? { type: "rate_limit_error", code: "upstream_rate_limited" } : OPENAI_ERRORS[error.code];
  const detailParam = error.details?.param;
  const param = typeof detailParam === "string" ? detailParam : error.code === "NOT_FOUND" || error.code === "FORBIDDEN" ? "model" : null;
  return { error: { message: error.message, type: mapped.type, param, code: mapped.code } };
}

/** Answers with OpenAI's error JSON, the REST status and Retry-After when there is a wait. */
export function sendOpenAIError(response: ServerResponse, error: AppError): void {
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== null) response.setHeader("retry-after", retryAfter);
  sendJson(response, restStatus(error), openAIErrorBody(error));
}
