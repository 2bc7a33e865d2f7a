import type { CatalogModel } from "../../core/model/catalog.js";
import { DEFAULT_ROUTE_POLICY, type RouteDefinition, type RoutingStrategy } from "../../core/model/route.js";
import type { RouteView } from "../../core/routing/views.js";
import type { Database } from "../../db/client.js";
import { routes as routesTable, type RouteRow } from "../../db/schema/index.js";

/** What the registry needs of the catalog to build the built-in routes. */
export interface BuiltinRouteSource {
  /** Enabled real (non-local) providers, in configuration order. */
  realProviderIds(): string[];
  defaultModelFor(providerId: string): CatalogModel | null;
}

export const BUILTIN_ROUTE_NAMES = ["default", "auto"] as const;

/**
 * Routes served from memory (RouteView for the router): admin rows from the database, plus the
 * built-in `default` and `auto` routes that exist from the first start (SPEC §8) unless an admin
 * stored a route of that name. Reloaded on change notifications, never read per request.
 */
export class RouteRegistry implements RouteView {
  private stored = new Map<string, RouteDefinition>();
  private builtins = new Map<string, RouteDefinition>();
  private startedAt = new Date();

  constructor(
    private readonly database: Database,
    private readonly source: BuiltinRouteSource,
  ) {}

  route(name: string): RouteDefinition | undefined {
    return this.stored.get(name) ?? this.builtins.get(name);
  }

  byId(id: string): RouteDefinition | undefined {
    for (const route of this.list()) if (route.id === id) return route;
    return undefined;
  }

  /** Every route, stored ones first then built-ins not shadowed by a stored one; by name. */
  list(): RouteDefinition[] {
    const all = new Map(this.builtins);
    for (const [name, route] of this.stored) all.set(name, route);
    return [...all.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  isBuiltin(route: RouteDefinition): boolean {
    return route.id.startsWith("builtin:");
  }

  async reload(): Promise<void> {
    const rows = await this.database.db.select().from(routesTable);
    this.stored = new Map(rows.map((row) => [row.name, routeFromRow(row)]));
    this.refreshBuiltins();
  }

  /** Recomputes `default` and `auto` from the current providers (after a provider or catalog change). */
  refreshBuiltins(): void {
    const providerIds = this.source.realProviderIds();
    const targets = providerIds
      .map((id) => this.source.defaultModelFor(id))
      .filter((model): model is CatalogModel => model !== null)
      .map((model, index) => ({ model: model.id, weight: 1, priority: index }));
    const defaultTargets = targets.length > 0 ? targets : [{ model: "local/lorem", weight: 1, priority: 0 }];
    this.builtins = new Map([
      ["default", builtin("default", "FALLBACK", defaultTargets, this.startedAt)],
      // No targets: AUTO over every enabled model of real providers (the planner's rule for empty targets).
      ["auto", builtin("auto", "AUTO", [], this.startedAt)],
    ]);
  }
}

function builtin(name: string, strategy: RoutingStrategy, targets: RouteDefinition["targets"], updatedAt: Date): RouteDefinition {
  return { id: `builtin:${name}`, name, strategy, targets, constraints: {}, ...DEFAULT_ROUTE_POLICY, enabled: true, updatedAt };
}

export function routeFromRow(row: RouteRow): RouteDefinition {
  return {
    id: row.id,
    name: row.name,
    strategy: row.strategy,
    targets: row.targets.map((target, index) => ({
      model: target.model,
      weight: target.weight ?? 1,
      priority: target.priority ?? index,
    })),
    constraints: (row.constraints ?? {}) as RouteDefinition["constraints"],
    maxAttempts: row.maxAttempts ?? DEFAULT_ROUTE_POLICY.maxAttempts,
    timeoutMs: row.timeoutMs ?? DEFAULT_ROUTE_POLICY.timeoutMs,
    firstTokenTimeoutMs: row.firstTokenTimeoutMs ?? DEFAULT_ROUTE_POLICY.firstTokenTimeoutMs,
    maxRetryAfterMs: row.maxRetryAfterMs,
    enabled: row.enabled,
    updatedAt: row.updatedAt,
  };
}
