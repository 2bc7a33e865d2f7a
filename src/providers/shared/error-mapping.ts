import { GatewayError } from "../../core/model/errors.js";
import type { GatewayErrorKind } from "../../core/model/errors.js";

export interface ErrorContext {
  provider: string;
  model?: string;
  signal?: AbortSignal;
}

type HeaderBag = Record<string, string | string[] | undefined>;

const CONTEXT_LENGTH_PATTERN =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|input token count|exceeds the max(imum)? (number of )?(input )?tokens/i;
const CONTENT_FILTER_PATTERN = /content[_ ]?(filter|policy|management)|safety system/i;

function headerValue(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `retry-after-ms` (OpenAI), then `retry-after` as seconds or an HTTP-date. */
export function parseRetryAfterMs(headers: HeaderBag, now: number = Date.now()): number | undefined {
  const milliseconds = headerValue(headers, "retry-after-ms");
  if (milliseconds !== undefined) {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headerValue(headers, "retry-after");
  if (retryAfter === undefined || retryAfter.trim() === "") return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.round(seconds * 1000) : undefined;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The upstream's own message and code from the error shapes of OpenAI, Anthropic and Gemini. */
export function extractUpstreamError(text: string): { message: string; code?: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { message: text.trim().slice(0, 1000) };
  }
  if (!isRecord(parsed)) return { message: text.slice(0, 1000) };
  const error = parsed.error;
  if (typeof error === "string") return { message: error };
  const source = isRecord(error) ? error : parsed;
  const message = typeof source.message === "string" ? source.message : text.slice(0, 1000);
  // Prefer a symbolic code: OpenAI `code`, Anthropic `type`, Gemini `status` (its `code` is the HTTP number).
  const symbolic = [source.code, source.type, source.status].find((value): value is string => typeof value === "string");
  const code = symbolic ?? (typeof source.code === "number" ? String(source.code) : undefined);
  return { message, code };
}

function kindForStatus(status: number, message: string, code: string | undefined): GatewayErrorKind {
  const haystack = `${code ?? ""} ${message}`;
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status === 408) return "timeout";
  if (status === 429) return "rate_limit";
  if (status === 503 || status === 529) return "overloaded";
  if (status === 400 || status === 413 || status === 422) {
    if (CONTEXT_LENGTH_PATTERN.test(haystack)) return "context_length";
    if (CONTENT_FILTER_PATTERN.test(haystack)) return "content_filter";
    return "bad_request";
  }
  if (status >= 500) return "server";
  return "bad_request";
}

/** Maps a non-2xx upstream response to a GatewayError, keeping the upstream's message. */
export function errorFromResponse(status: number, headers: HeaderBag, bodyText: string, context: ErrorContext): GatewayError {
  const { message, code } = extractUpstreamError(bodyText);
  const kind = kindForStatus(status, message, code);
  return new GatewayError(kind, message || `Upstream HTTP ${status}`, {
    status,
    retryAfterMs: parseRetryAfterMs(headers),
    // 409 (conflict / concurrent request) is a 4xx worth retrying elsewhere.
    retryable: status === 409 ? true : undefined,
    provider: context.provider,
    model: context.model,
    upstreamCode: code,
  });
}

function errorCode(error: unknown): string | undefined {
  if (!isRecord(error) && !(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** Maps a thrown transport error (or an abort) to a GatewayError. GatewayErrors pass through. */
export function errorFromThrown(error: unknown, context: ErrorContext): GatewayError {
  if (error instanceof GatewayError) return error;
  const options = { provider: context.provider, model: context.model, cause: error };
  if (context.signal?.aborted || (error instanceof Error && error.name === "AbortError")) {
    return new GatewayError("aborted", "Request aborted", options);
  }
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "UND_ERR_CONNECT_TIMEOUT") {
    return new GatewayError("timeout", `Upstream timeout: ${message}`, { ...options, upstreamCode: code });
  }
  return new GatewayError("network", `Upstream connection failed: ${message}`, { ...options, upstreamCode: code });
}

/** An error reported inside a 200 stream (Anthropic `error` event, OpenAI `{error}` chunk). */
export function errorFromStreamPayload(payload: unknown, context: ErrorContext): GatewayError {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  const { message, code } = extractUpstreamError(text);
  const kindByCode: Record<string, GatewayErrorKind> = {
    overloaded_error: "overloaded",
    rate_limit_error: "rate_limit",
    api_error: "server",
    authentication_error: "auth",
    permission_error: "auth",
    not_found_error: "not_found",
    invalid_request_error: "bad_request",
    request_too_large: "bad_request",
    server_error: "server",
    rate_limit_exceeded: "rate_limit",
    context_length_exceeded: "context_length",
    // Gemini puts a google.rpc status name in an in-stream error (its `code` is the HTTP number).
    UNAVAILABLE: "overloaded",
    RESOURCE_EXHAUSTED: "rate_limit",
    INTERNAL: "server",
    DEADLINE_EXCEEDED: "timeout",
    INVALID_ARGUMENT: "bad_request",
    FAILED_PRECONDITION: "bad_request",
    UNAUTHENTICATED: "auth",
    PERMISSION_DENIED: "auth",
    NOT_FOUND: "not_found",
  };
  let kind: GatewayErrorKind = (code !== undefined ? kindByCode[code] : undefined) ?? "server";
  if (kind === "bad_request" && CONTEXT_LENGTH_PATTERN.test(message)) kind = "context_length";
  return new GatewayError(kind, message, { provider: context.provider, model: context.model, upstreamCode: code });
}
