import type { CatalogModel } from "../../core/model/index.js";
import type { Principal } from "../../services/auth/api-key.service.js";
import type { CompletionService } from "../../services/completion/completion.service.js";

/** The catalog as `/v1/models` reads it (in memory; never a database read per request). */
export interface RestCatalog {
  models(filter?: { enabled?: boolean }): readonly CatalogModel[];
}

/** Routes as `/v1/models` lists them (`route:NAME`). */
export interface RestRouteList {
  list(): readonly { name: string; enabled: boolean; updatedAt: Date }[];
}

/** What the OpenAI- and Anthropic-compatible routers need. */
export interface RestApiDeps {
  completions: Pick<CompletionService, "start" | "complete">;
  catalog: RestCatalog;
  routes: RestRouteList;
  /** SSE keep-alive period while the first token is awaited (default 5,000 ms). */
  keepAliveMs?: number;
}

export const DEFAULT_KEEP_ALIVE_MS = 5_000;

/** The authenticated key of a request, as the authentication middleware left it. */
export function principalOf(locals: Record<string, unknown>): Principal | null {
  const principal = locals.principal;
  return typeof principal === "object" && principal !== null && "keyId" in principal ? (principal as Principal) : null;
}
