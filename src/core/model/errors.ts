/** Why an upstream attempt failed. Failover and circuit breakers read these, never HTTP headers. */
export type GatewayErrorKind =
  | "auth"
  | "rate_limit"
  | "timeout"
  | "overloaded"
  | "server"
  | "bad_request"
  | "context_length"
  | "content_filter"
  | "not_found"
  | "network"
  | "aborted";

const RETRYABLE: Record<GatewayErrorKind, boolean> = {
  auth: false,
  rate_limit: true,
  timeout: true,
  overloaded: true,
  server: true,
  bad_request: false,
  context_length: false,
  content_filter: false,
  not_found: false,
  network: true,
  aborted: false,
};

export interface GatewayErrorOptions {
  status?: number;
  retryAfterMs?: number;
  /** Overrides the default retryability of the kind (e.g. 409 is retryable though it is a 4xx). */
  retryable?: boolean;
  provider?: string;
  model?: string;
  /** The upstream's error body or code, for logs and the decision trail. */
  upstreamCode?: string;
  cause?: unknown;
}

export class GatewayError extends Error {
  override readonly name = "GatewayError";
  readonly kind: GatewayErrorKind;
  readonly isRetryable: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly provider?: string;
  readonly model?: string;
  readonly upstreamCode?: string;

  constructor(kind: GatewayErrorKind, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.isRetryable = options.retryable ?? RETRYABLE[kind];
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.provider = options.provider;
    this.model = options.model;
    this.upstreamCode = options.upstreamCode;
  }
}

export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** The API-level error codes of SPEC §3 (GraphQL `extensions.code`, mapped to HTTP statuses on REST). */
export type ErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "BAD_USER_INPUT"
  | "NOT_FOUND"
  | "BUDGET_EXCEEDED"
  | "RATE_LIMITED"
  | "NO_ROUTE"
  | "UPSTREAM_ERROR"
  | "PAYLOAD_TOO_LARGE"
  | "INTERNAL_SERVER_ERROR";

export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  BUDGET_EXCEEDED: 402,
  RATE_LIMITED: 429,
  NO_ROUTE: 503,
  UPSTREAM_ERROR: 502,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL_SERVER_ERROR: 500,
};

/** An error a caller sees. Services throw these; the GraphQL and REST layers map them to their wire format. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ErrorCode;
  readonly retryAfterMs?: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { retryAfterMs?: number; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  get httpStatus(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** Maps a final upstream failure to what the caller sees. */
export function appErrorFromGateway(error: GatewayError): AppError {
  if (error.kind === "bad_request" || error.kind === "context_length" || error.kind === "content_filter") {
    return new AppError("BAD_USER_INPUT", error.message, { details: { upstreamKind: error.kind, provider: error.provider } });
  }
  return new AppError("UPSTREAM_ERROR", error.message, {
    retryAfterMs: error.retryAfterMs,
    details: { upstreamKind: error.kind, provider: error.provider, status: error.status },
  });
}
