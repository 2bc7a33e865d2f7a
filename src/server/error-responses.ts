import type { ServerResponse } from "node:http";
import type { Request, Response } from "express";
import type { ErrorCode } from "../core/model/index.js";
import { sendJson } from "../http/shared/json-response.js";

/** OpenAI error `type`/`code` per gateway code, for the few errors the server layer itself answers. */
const OPENAI_ERRORS: Partial<Record<ErrorCode, { type: string; code: string }>> = {
  UNAUTHENTICATED: { type: "invalid_request_error", code: "invalid_api_key" },
  PAYLOAD_TOO_LARGE: { type: "invalid_request_error", code: "request_too_large" },
  BAD_USER_INPUT: { type: "invalid_request_error", code: "invalid_request" },
  NOT_FOUND: { type: "invalid_request_error", code: "not_found" },
  INTERNAL_SERVER_ERROR: { type: "server_error", code: "internal_error" },
};

const ANTHROPIC_TYPES: Partial<Record<ErrorCode, string>> = {
  UNAUTHENTICATED: "authentication_error",
  PAYLOAD_TOO_LARGE: "request_too_large",
  BAD_USER_INPUT: "invalid_request_error",
  NOT_FOUND: "not_found_error",
  INTERNAL_SERVER_ERROR: "api_error",
};

/**
 * Answers an error in the wire format of the API the path belongs to: GraphQL's `errors[]` with
 * `extensions.code` on /graphql, Anthropic's error object on /v1/messages, OpenAI's elsewhere under /v1.
 */
export function sendApiError(request: Request, response: Response, status: number, code: ErrorCode, message: string): void {
  sendApiErrorAt(request.originalUrl.split("?")[0] ?? "", response, status, code, message);
}

/** sendApiError for a path (without query) on a plain node:http response (the REST fast path). */
export function sendApiErrorAt(path: string, response: ServerResponse, status: number, code: ErrorCode, message: string): void {
  if (path === "/graphql" || path.startsWith("/graphql/")) {
    sendJson(response, status, { errors: [{ message, extensions: { code } }] });
  } else if (path === "/v1/messages" || path.startsWith("/v1/messages/")) {
    sendJson(response, status, { type: "error", error: { type: ANTHROPIC_TYPES[code] ?? "api_error", message } });
  } else {
    const openai = OPENAI_ERRORS[code] ?? { type: "invalid_request_error", code: code.toLowerCase() };
    sendJson(response, status, { error: { message, type: openai.type, param: null, code: openai.code } });
  }
}
