import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { AppError, type ErrorCode } from "../core/model/index.js";

/** Builds a GraphQLError carrying SPEC §3's `extensions.code` (and the HTTP status Apollo should use on HTTP). */
export function graphQLErrorFor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

/** Maps an AppError thrown by a service to the GraphQL error clients see. */
export function toGraphQLError(error: AppError): GraphQLError {
  const extensions: Record<string, unknown> = { code: error.code };
  if (error.retryAfterMs !== undefined) extensions.retryAfterMs = error.retryAfterMs;
  if (error.details) extensions.details = error.details;
  return new GraphQLError(error.message, { originalError: error, extensions });
}

const KNOWN_CODES = new Set<string>([
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "BUDGET_EXCEEDED",
  "RATE_LIMITED",
  "NO_ROUTE",
  "UPSTREAM_ERROR",
  "PAYLOAD_TOO_LARGE",
  // Apollo's own request-level codes pass through unchanged.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * Apollo `formatError`: AppErrors keep their code and message; anything unexpected becomes
 * INTERNAL_SERVER_ERROR with a generic message outside development, so internals (SQL, paths) never leak.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown, development: boolean): GraphQLFormattedError {
  const original: unknown = unwrapResolverError(error);
  if (original instanceof AppError) {
    const extensions: Record<string, unknown> = { ...formatted.extensions, code: original.code };
    if (original.retryAfterMs !== undefined) extensions.retryAfterMs = original.retryAfterMs;
    if (original.details) extensions.details = original.details;
    if (!development) delete extensions.stacktrace;
    return { ...formatted, message: original.message, extensions };
  }
  const code = typeof formatted.extensions?.code === "string" ? formatted.extensions.code : "INTERNAL_SERVER_ERROR";
  if (development || KNOWN_CODES.has(code)) return formatted;
  return { message: "Internal server error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
}
