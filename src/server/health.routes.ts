import { timingSafeEqual } from "node:crypto";
import { Router, type Request } from "express";
import type { AppMetrics } from "./metrics.js";

export interface ReadinessProbe {
  ping(): Promise<void>;
  migrationsApplied(): Promise<boolean>;
}

const READINESS_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function tokenMatches(request: Request, token: string): boolean {
  const header = request.header("authorization") ?? "";
  const given = Buffer.from(header.startsWith("Bearer ") ? header.slice(7).trim() : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `/healthz` (process up), `/readyz` (database reachable, migrations applied), `/metrics` (Prometheus text). */
export function healthRoutes(options: {
  database: ReadinessProbe;
  metrics: AppMetrics;
  metricsToken: string | null;
  isShuttingDown: () => boolean;
}): Router {
  const router = Router();
  router.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });
  router.get("/readyz", async (_request, response) => {
    if (options.isShuttingDown()) {
      response.status(503).json({ status: "unavailable", reason: "shutting down" });
      return;
    }
    try {
      await withTimeout(options.database.ping(), READINESS_TIMEOUT_MS, "database ping");
      if (!(await withTimeout(options.database.migrationsApplied(), READINESS_TIMEOUT_MS, "migration check"))) {
        response.status(503).json({ status: "unavailable", reason: "database migrations are not applied" });
        return;
      }
      response.json({ status: "ready" });
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      response.status(503).json({ status: "unavailable", reason: `database unreachable: ${detail}` });
    }
  });
  router.get("/metrics", async (request, response) => {
    if (options.metricsToken !== null && !tokenMatches(request, options.metricsToken)) {
      response.setHeader("www-authenticate", 'Bearer realm="metrics"');
      response.status(401).type("text/plain").send("metrics token required\n");
      return;
    }
    response.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  return router;
}
