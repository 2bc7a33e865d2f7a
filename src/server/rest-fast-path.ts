import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { MessagesHandler, OpenAIHandlers } from "../http/index.js";
import type { Principal } from "../services/auth/api-key.service.js";
import { secretFromHeaders, type KeyAuthenticator } from "./authentication.js";
import { sendApiErrorAt } from "./error-responses.js";
import { readJsonBody } from "./json-body.js";
import type { AppMetrics } from "./metrics.js";
import { REQUEST_ID_PATTERN, accessLogLevel } from "./request-context.js";

export interface RestFastPathDeps {
  /** The API key service: the REST handlers need the full principal (budget, limits), not only the caller. */
  authenticator: Omit<KeyAuthenticator, "authenticate"> & { authenticate(secret: string): Promise<Principal | null> };
  metrics: AppMetrics;
  logger: Logger;
  bodyLimitBytes: number;
  openai: OpenAIHandlers;
  messages: MessagesHandler;
  /** `POST /graphql` after authentication and the JSON body (Apollo without the Express integration). */
  graphql: (request: IncomingMessage, response: ServerResponse, body: unknown, principal: Principal, requestId: string) => Promise<void>;
}

/** Answers the request and returns true, or returns false (untouched) for Express to serve it. */
export type RestFastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

const CHAT = "/v1/chat/completions";
const MESSAGES = "/v1/messages";
const MODELS = "/v1/models";
const GRAPHQL = "/graphql";

/** What the finish listener needs, kept on the response instead of in a per-request closure. */
interface Tracked extends ServerResponse {
  switchyardStarted?: bigint;
  switchyardRoute?: string;
  switchyardRequestId?: string;
}

/**
 * The hot endpoints (`POST /v1/chat/completions`, `POST /v1/messages`, `GET /v1/models`, `POST /graphql`) on plain
 * node:http, in front of Express: the bench profile had Express's router, `res.json` and the middleware
 * chain at ≈ 12 % of the gateway's CPU per request. Behaviour is the Express stack's, step for step:
 * request id + access log/metrics (requestContext), authentication (requireApiKey), the JSON body
 * (jsonBody, 413/400 like bodyErrorHandler), then the same handlers. Anything else — other methods,
 * paths Express would also match (case, trailing slash), conditional GETs — falls through to Express.
 */
export function createRestFastPath(deps: RestFastPathDeps): RestFastPath {
  const { authenticator, metrics, logger, bodyLimitBytes, openai, messages, graphql } = deps;

  function onFinish(this: Tracked): void {
    const started = this.switchyardStarted;
    const route = this.switchyardRoute;
    if (started === undefined || route === undefined) return;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = this.statusCode;
    const method = this.req.method ?? "";
    metrics.httpRequestDuration.observe({ method, route, status: String(status) }, seconds);
    const level = accessLogLevel(status, route);
    if (!logger.isLevelEnabled(level)) return;
    logger.child({ requestId: this.switchyardRequestId })[level]({ method, path: route, status, durationMs: Math.round(seconds * 1e5) / 100 }, "request");
  }

  function unauthenticated(path: string, response: ServerResponse, secret: string | null): void {
    metrics.rejected("unauthenticated");
    response.setHeader("www-authenticate", 'Bearer realm="switchyard"');
    const message = secret ? "Invalid or revoked API key." : "Missing API key: send Authorization: Bearer <key>.";
    sendApiErrorAt(path, response, 401, "UNAUTHENTICATED", message);
  }

  function internalError(path: string, response: ServerResponse, error: unknown): void {
    logger.error({ err: error }, "unhandled request error");
    if (!response.headersSent) sendApiErrorAt(path, response, 500, "INTERNAL_SERVER_ERROR", "Internal server error.");
  }

  function bodyError(path: string, response: ServerResponse, error: Error): void {
    const type = (error as { type?: unknown }).type;
    if (type === "entity.too.large") {
      metrics.rejected("payload_too_large");
      sendApiErrorAt(path, response, 413, "PAYLOAD_TOO_LARGE", "Request body too large.");
    } else if (type === "entity.parse.failed" || type === "encoding.unsupported" || type === "charset.unsupported") {
      metrics.rejected("bad_request");
      sendApiErrorAt(path, response, 400, "BAD_USER_INPUT", "Request body is not valid JSON.");
    } else internalError(path, response, error);
  }

  function complete(path: string, request: IncomingMessage, response: ServerResponse, principal: Principal): void {
    readJsonBody(request, bodyLimitBytes, (error, body) => {
      if (error) return bodyError(path, response, error);
      const handled =
        path === CHAT
          ? openai.chatCompletions(body, principal, response)
          : path === MESSAGES
            ? messages(body, principal, response)
            : graphql(request, response, body, principal, (response as Tracked).switchyardRequestId as string);
      handled.catch((thrown: unknown) => internalError(path, response, thrown));
    });
  }

  async function authenticated(path: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const secret = secretFromHeaders(authenticator, request.headers);
    const principal = secret ? await authenticator.authenticate(secret) : null;
    if (!principal) return unauthenticated(path, response, secret);
    if (path === MODELS) openai.listModels(principal, response);
    else complete(path, request, response, principal);
  }

  return (request, response) => {
    const url = request.url ?? "";
    const query = url.indexOf("?");
    const path = query < 0 ? url : url.slice(0, query);
    const method = request.method;
    if (method === "POST") {
      if (path !== CHAT && path !== MESSAGES && path !== GRAPHQL) return false;
    } else if (method === "GET") {
      // Conditional GETs stay with Express (ETag freshness → 304).
      if (path !== MODELS || request.headers["if-none-match"] !== undefined || request.headers["if-modified-since"] !== undefined) return false;
    } else return false;
    const tracked = response as Tracked;
    const incoming = request.headers["x-request-id"];
    const requestId = typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    tracked.switchyardStarted = process.hrtime.bigint();
    tracked.switchyardRoute = path;
    tracked.switchyardRequestId = requestId;
    response.setHeader("x-request-id", requestId);
    response.on("finish", onFinish);
    authenticated(path, request, response).catch((error: unknown) => internalError(path, response, error));
    return true;
  };
}
