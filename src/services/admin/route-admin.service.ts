import { eq } from "drizzle-orm";
import type { ModelCapability } from "../../core/model/catalog.js";
import { AppError } from "../../core/model/errors.js";
import { DEFAULT_ROUTE_POLICY, ROUTING_STRATEGIES, type RouteDefinition, type RoutingStrategy } from "../../core/model/route.js";
import type { Database } from "../../db/client.js";
import { routes as routesTable, type RouteConstraintsValue, type RouteTargetValue } from "../../db/schema/index.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import type { RouteRegistry } from "../routes/route-registry.js";
import type { ConfigChanges } from "./config-changes.js";

export interface RouteTargetInput {
  model: string;
  weight?: number | null;
  priority?: number | null;
}

export interface RouteConstraintsInput {
  requiredCapabilities?: ModelCapability[] | null;
  maxInputPricePerMTok?: number | null;
  minContextWindow?: number | null;
  providers?: string[] | null;
}

export interface UpsertRouteInput {
  name: string;
  strategy: RoutingStrategy;
  targets?: RouteTargetInput[] | null;
  constraints?: RouteConstraintsInput | null;
  maxAttempts?: number | null;
  timeoutMs?: number | null;
  firstTokenTimeoutMs?: number | null;
  maxRetryAfterMs?: number | null;
  enabled?: boolean | null;
}

export interface RouteAdminDeps {
  database: Database;
  catalog: CatalogService;
  routes: RouteRegistry;
  changes: ConfigChanges;
}

const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const MAX_TARGETS = 100;
const MAX_ATTEMPTS = 10;
const MAX_TIMEOUT_MS = 3_600_000;

/**
 * Route administration. A route is written by name (insert or update), validated first: known
 * strategy; targets that exist in the catalog (`provider/model` or a bare name some provider serves);
 * no `route:` targets (routes do not nest: one policy decides, and cycles cannot exist); weights > 0;
 * at least one target unless the strategy is AUTO (empty AUTO = every enabled real model).
 * Reads come from the in-memory RouteRegistry, never from the database per request.
 */
export class RouteAdminService {
  constructor(private readonly deps: RouteAdminDeps) {}

  list(): RouteDefinition[] {
    return this.deps.routes.list();
  }

  get(idOrName: string): RouteDefinition | null {
    return this.deps.routes.byId(idOrName) ?? this.deps.routes.route(idOrName) ?? null;
  }

  async upsert(input: UpsertRouteInput): Promise<RouteDefinition> {
    const values = this.validate(input);
    await this.deps.database.db
      .insert(routesTable)
      .values(values)
      .onConflictDoUpdate({ target: routesTable.name, set: { ...values, updatedAt: new Date() } });
    await this.deps.changes.applied("routes");
    const stored = this.deps.routes.route(values.name);
    if (!stored) throw new AppError("INTERNAL_SERVER_ERROR", "route was written but is not loaded");
    return stored;
  }

  /** Deletes a stored route; built-in routes (`default`, `auto`) cannot be deleted. Returns the deleted route. */
  async delete(id: string): Promise<RouteDefinition> {
    const route = this.deps.routes.byId(id);
    if (!route) throw new AppError("NOT_FOUND", `No route ${id}.`);
    if (this.deps.routes.isBuiltin(route)) throw new AppError("BAD_USER_INPUT", `The built-in route ${route.name} cannot be deleted.`);
    const deleted = await this.deps.database.db.delete(routesTable).where(eq(routesTable.id, route.id)).returning({ id: routesTable.id });
    if (deleted.length === 0) throw new AppError("NOT_FOUND", `No route ${id}.`);
    await this.deps.changes.applied("routes");
    return route;
  }

  private validate(input: UpsertRouteInput) {
    const name = input.name.trim();
    if (!ROUTE_NAME.test(name)) {
      throw new AppError("BAD_USER_INPUT", "route name must be 1-64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    if (!ROUTING_STRATEGIES.includes(input.strategy)) throw new AppError("BAD_USER_INPUT", `unknown strategy ${String(input.strategy)}`);
    const targets = (input.targets ?? []).map((target, index) => this.validateTarget(target, index));
    if (targets.length === 0 && input.strategy !== "AUTO") throw new AppError("BAD_USER_INPUT", `a ${input.strategy} route needs at least one target`);
    if (targets.length > MAX_TARGETS) throw new AppError("BAD_USER_INPUT", `at most ${MAX_TARGETS} targets`);
    return {
      name,
      strategy: input.strategy,
      targets,
      constraints: validateConstraints(input.constraints),
      maxAttempts: integerIn(input.maxAttempts, "maxAttempts", 1, MAX_ATTEMPTS) ?? DEFAULT_ROUTE_POLICY.maxAttempts,
      timeoutMs: integerIn(input.timeoutMs, "timeoutMs", 1, MAX_TIMEOUT_MS) ?? DEFAULT_ROUTE_POLICY.timeoutMs,
      firstTokenTimeoutMs: integerIn(input.firstTokenTimeoutMs, "firstTokenTimeoutMs", 1, MAX_TIMEOUT_MS) ?? DEFAULT_ROUTE_POLICY.firstTokenTimeoutMs,
      maxRetryAfterMs: integerIn(input.maxRetryAfterMs, "maxRetryAfterMs", 0, MAX_TIMEOUT_MS) ?? DEFAULT_ROUTE_POLICY.maxRetryAfterMs,
      enabled: input.enabled ?? true,
    };
  }

  private validateTarget(target: RouteTargetInput, index: number): RouteTargetValue {
    const model = target.model.trim();
    const where = `targets[${index}]`;
    if (model.startsWith("route:") || model === "auto") {
      throw new AppError("BAD_USER_INPUT", `${where}: routes cannot target other routes (${model}); list the models instead`);
    }
    const known = model.includes("/") ? this.deps.catalog.model(model) !== null : this.deps.catalog.modelsByName(model).length > 0;
    if (!known) throw new AppError("BAD_USER_INPUT", `${where}: unknown model ${JSON.stringify(model)}`, { details: { field: `${where}.model` } });
    const weight = target.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0 || weight > 1e6) throw new AppError("BAD_USER_INPUT", `${where}: weight must be > 0`);
    const priority = target.priority ?? index;
    if (!Number.isInteger(priority) || Math.abs(priority) > 1e6) throw new AppError("BAD_USER_INPUT", `${where}: priority must be an integer`);
    return { model, weight, priority };
  }
}

function integerIn(value: number | null | undefined, field: string, min: number, max: number): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < min || value > max) throw new AppError("BAD_USER_INPUT", `${field} must be an integer ${min}-${max}`);
  return value;
}

const CAPABILITIES: readonly ModelCapability[] = ["STREAMING", "TOOLS", "VISION", "JSON_OUTPUT", "REASONING", "LONG_CONTEXT"];

function validateConstraints(input: RouteConstraintsInput | null | undefined): RouteConstraintsValue {
  const result: RouteConstraintsValue = {};
  if (!input) return result;
  if (input.requiredCapabilities?.length) {
    for (const capability of input.requiredCapabilities) {
      if (!CAPABILITIES.includes(capability)) throw new AppError("BAD_USER_INPUT", `unknown capability ${String(capability)}`);
    }
    result.requiredCapabilities = [...new Set(input.requiredCapabilities)];
  }
  if (input.maxInputPricePerMTok !== null && input.maxInputPricePerMTok !== undefined) {
    if (!Number.isFinite(input.maxInputPricePerMTok) || input.maxInputPricePerMTok < 0) {
      throw new AppError("BAD_USER_INPUT", "constraints.maxInputPricePerMTok must be >= 0");
    }
    result.maxInputPricePerMTok = input.maxInputPricePerMTok;
  }
  if (input.minContextWindow !== null && input.minContextWindow !== undefined) {
    result.minContextWindow = integerIn(input.minContextWindow, "constraints.minContextWindow", 1, 100_000_000);
  }
  if (input.providers?.length) result.providers = [...new Set(input.providers.map((provider) => provider.trim()))];
  return result;
}
