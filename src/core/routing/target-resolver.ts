import { AppError } from "../model/errors.js";
import type { CatalogModel } from "../model/catalog.js";
import { DEFAULT_ROUTE_POLICY, type RouteDefinition } from "../model/route.js";
import type { Candidate } from "./candidate.js";
import type { CatalogView, RouteView } from "./views.js";

export type AllowFunction = (modelId: string, routeName?: string) => boolean;

/** What a target string resolved to: the route (synthetic for direct models) and its raw candidates. */
export interface ResolvedTarget {
  requested: string;
  route: RouteDefinition;
  /** Undefined when a model was addressed directly. */
  routeName?: string;
  candidates: Candidate[];
}

const DIRECT_EPOCH = new Date(0);

function directRoute(requested: string): RouteDefinition {
  return { id: `direct:${requested}`, name: requested, strategy: "FALLBACK", targets: [], constraints: {}, enabled: true, updatedAt: DIRECT_EPOCH, ...DEFAULT_ROUTE_POLICY };
}

function candidate(model: CatalogModel, weight: number, priority: number, order: number): Candidate {
  return { model, weight, priority, order };
}

/** Route targets → deployments. A route with no targets spans the catalog, never the local provider. */
function expandRoute(route: RouteDefinition, catalog: CatalogView): Candidate[] {
  const candidates: Candidate[] = [];
  if (route.targets.length === 0) {
    for (const model of catalog.models()) if (!model.local) candidates.push(candidate(model, 1, 0, candidates.length));
    return candidates;
  }
  for (const target of route.targets) {
    const exact = catalog.model(target.model);
    if (exact) {
      candidates.push(candidate(exact, target.weight, target.priority, candidates.length));
      continue;
    }
    for (const model of catalog.modelsByName(target.model)) {
      // A bare name in a route does not name the local provider's model of the same name.
      if (!model.local) candidates.push(candidate(model, target.weight, target.priority, candidates.length));
    }
  }
  return candidates;
}

function resolveRoute(name: string, requested: string, routes: RouteView, catalog: CatalogView): ResolvedTarget {
  const route = routes.route(name);
  if (!route) throw new AppError("NOT_FOUND", `route "${name}" does not exist`, { details: { target: requested } });
  if (!route.enabled) throw new AppError("NO_ROUTE", `route "${name}" is disabled`, { details: { target: requested } });
  return { requested, route, routeName: name, candidates: expandRoute(route, catalog) };
}

function resolveModels(requested: string, catalog: CatalogView, allow: AllowFunction | undefined): ResolvedTarget {
  const exact = catalog.model(requested);
  const models = exact ? [exact] : catalog.modelsByName(requested);
  if (models.length === 0) throw new AppError("NOT_FOUND", `model "${requested}" does not exist`, { details: { target: requested } });
  const allowed = allow ? models.filter((model) => allow(model.id)) : models;
  if (allowed.length === 0) throw new AppError("FORBIDDEN", `this key may not use model "${requested}"`, { details: { target: requested } });
  if (!allowed.some((model) => model.enabled)) throw new AppError("NO_ROUTE", `model "${requested}" is disabled`, { details: { target: requested } });
  const candidates = allowed.map((model, index) => candidate(model, 1, 0, index));
  return { requested, route: directRoute(requested), candidates };
}

/**
 * `provider/model`, bare model name, `route:NAME`, `auto`, or empty (the `default` route).
 * Unknown → NOT_FOUND; a direct model outside the allow-list → FORBIDDEN; disabled → NO_ROUTE.
 */
export function resolveTarget(target: string | undefined, catalog: CatalogView, routes: RouteView, allow?: AllowFunction): ResolvedTarget {
  const requested = target?.trim() ?? "";
  if (requested === "") return resolveRoute("default", "route:default", routes, catalog);
  if (requested === "auto") return resolveRoute("auto", requested, routes, catalog);
  if (requested.startsWith("route:")) return resolveRoute(requested.slice(6), requested, routes, catalog);
  return resolveModels(requested, catalog, allow);
}
