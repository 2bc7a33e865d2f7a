import { randomUUID } from "node:crypto";
import type { NextFunction, Request, Response } from "express";
import type { Logger } from "pino";
import type { AppMetrics } from "./metrics.js";

const REQUEST_ID_PATTERN = /^[\w.:-]{1,128}$/;

/** Route groups for the duration histogram: a fixed set, so the label never grows with paths. */
const KNOWN_ROUTES = new Set(["/graphql", "/healthz", "/readyz", "/metrics", "/v1/chat/completions", "/v1/models", "/v1/messages"]);

function routeGroup(path: string): string {
  if (KNOWN_ROUTES.has(path)) return path;
  if (path.startsWith("/v1/models/")) return "/v1/models/:id";
  return path.startsWith("/v1/") ? "/v1/other" : "other";
}

/**
 * Request id (from `x-request-id` when well-formed, otherwise generated; echoed in the response),
 * a child logger per request, an access log line and the duration histogram.
 */
export function requestContext(logger: Logger, metrics: AppMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const incoming = request.header("x-request-id");
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    response.locals.requestId = requestId;
    response.locals.logger = logger.child({ requestId });
    response.setHeader("x-request-id", requestId);
    response.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // originalUrl: inside a mounted router `request.path` is relative to the mount point.
      const path = request.originalUrl.split("?")[0] ?? "";
      const route = routeGroup(path);
      metrics.httpRequestDuration.observe({ method: request.method, route, status: String(response.statusCode) }, seconds);
      const level = response.statusCode >= 500 ? "error" : route === "/healthz" || route === "/readyz" || route === "/metrics" ? "debug" : "info";
      (response.locals.logger as Logger)[level](
        { method: request.method, path, status: response.statusCode, durationMs: Math.round(seconds * 1e5) / 100 },
        "request",
      );
    });
    next();
  };
}
