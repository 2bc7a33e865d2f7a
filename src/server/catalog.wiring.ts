import type { CatalogReader } from "../graphql/context.js";
import type { CatalogService } from "../services/catalog/catalog.service.js";

/** Adapts the in-memory CatalogService to what the GraphQL resolvers read. */
export function catalogReader(catalog: CatalogService): CatalogReader {
  return {
    listProviders: async () => [...catalog.providers()],
    listModels: async (filter) => catalog.models(filter),
    getModels: async (ids) => catalog.modelsByIds(ids),
    getProviders: async (ids) => ids.map((id) => catalog.provider(id)),
  };
}
