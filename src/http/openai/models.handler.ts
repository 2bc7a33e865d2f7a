import type { Principal } from "../../services/auth/api-key.service.js";
import type { RestCatalog, RestRouteList } from "../shared/rest.types.js";

export interface OpenAIModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

function allowedBy(principal: Principal | null): (id: string) => boolean {
  const allowed = principal?.allowedModels;
  if (!allowed || allowed.length === 0) return () => true;
  const set = new Set(allowed);
  return (id) => set.has(id);
}

/**
 * `GET /v1/models`: enabled catalog models, then routes as `route:NAME` (and `auto`), filtered by the
 * key's allow-list. Built from in-memory state on every call (cheap; the catalog changes at run time).
 */
export function listOpenAIModels(catalog: RestCatalog, routes: RestRouteList, principal: Principal | null, startedAt: number): OpenAIModelEntry[] {
  const allowed = allowedBy(principal);
  const data: OpenAIModelEntry[] = [];
  for (const model of catalog.models({ enabled: true })) {
    if (!model.enabled || !allowed(model.id)) continue;
    data.push({ id: model.id, object: "model", created: startedAt, owned_by: model.providerId });
  }
  let hasAuto = false;
  for (const route of routes.list()) {
    if (!route.enabled) continue;
    const id = `route:${route.name}`;
    if (!allowed(id)) continue;
    const created = Math.floor(route.updatedAt.getTime() / 1000);
    data.push({ id, object: "model", created, owned_by: "switchyard" });
    if (route.name === "auto") {
      hasAuto = true;
      if (allowed("auto")) data.push({ id: "auto", object: "model", created, owned_by: "switchyard" });
    }
  }
  if (!hasAuto && allowed("auto") && allowed("route:auto")) data.push({ id: "auto", object: "model", created: startedAt, owned_by: "switchyard" });
  return data;
}
