import type { CatalogModel, CatalogProvider, ModelCapability } from "../core/model/index.js";
import type { CircuitStore, StatsStore } from "../core/ports/index.js";
import type { AdminServices } from "../services/admin/admin-services.js";
import type { ChatServices } from "../services/conversations/chat-services.js";
import type { ApiKey } from "./api-key.type.js";

/** SPEC §3 `models(filter)`; absent fields do not filter. Unpriced models never pass a price bound. */
export interface CatalogModelFilter {
  providerId?: string;
  capability?: ModelCapability;
  maxInputPricePerMTok?: number;
  minContextWindow?: number;
  enabled?: boolean;
}

/** What the catalog resolvers read. The server adapts the catalog service to it. */
export interface CatalogReader {
  listProviders(): Promise<CatalogProvider[]>;
  listModels(filter?: CatalogModelFilter): Promise<CatalogModel[]>;
  /** One call per batch: the result is aligned with `ids`, null where a model is unknown. */
  getModels(ids: readonly string[]): Promise<(CatalogModel | null)[]>;
  getProviders(ids: readonly string[]): Promise<(CatalogProvider | null)[]>;
}

/** Batch lookups for entities whose services arrive in later issues; each returns results aligned with ids. */
export interface EntityLookups {
  conversations?: (ids: readonly string[]) => Promise<(object | null)[]>;
  completionRequests?: (ids: readonly string[]) => Promise<(object | null)[]>;
  routes?: (ids: readonly string[]) => Promise<(object | null)[]>;
}

/** Long-lived dependencies shared by every request; the context adds per-request state on top. */
export interface GraphQLServices {
  catalog: CatalogReader;
  entities: EntityLookups;
  /** Routing-core observations; absent until the router is wired, then health reads them. */
  stats?: StatsStore;
  /** Full key records (budget, limits, timestamps) for `me`; the principal alone answers without it. */
  apiKeys?: { getKey(id: string): Promise<ApiKey | null> };
  circuits?: CircuitStore;
  /** Conversations, completions, request records and usage (createChatServices); absent: those operations fail. */
  chat?: ChatServices;
  /** Key, route, provider and model administration (createAdminServices); absent: those operations fail. */
  admin?: AdminServices;
  now: () => number;
}
