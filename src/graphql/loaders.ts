import DataLoader from "dataloader";
import type { CatalogModel, CatalogProvider } from "../core/model/index.js";
import type { EntityLookups, GraphQLServices } from "./services.js";

export interface Loaders {
  modelById: DataLoader<string, CatalogModel | null>;
  providerById: DataLoader<string, CatalogProvider | null>;
  modelsByProviderId: DataLoader<string, CatalogModel[]>;
  conversationById: DataLoader<string, object | null>;
  completionRequestById: DataLoader<string, object | null>;
  routeById: DataLoader<string, object | null>;
}

type Lookup = EntityLookups[keyof EntityLookups];

/** A loader over an optional batch lookup; entities whose service is not wired yet resolve to null. */
function entityLoader(lookup: Lookup): DataLoader<string, object | null> {
  return new DataLoader<string, object | null>(async (ids) => (lookup ? lookup(ids) : ids.map(() => null)));
}

export function createLoaders(services: GraphQLServices): Loaders {
  const { catalog, entities } = services;
  return {
    modelById: new DataLoader<string, CatalogModel | null>((ids) => catalog.getModels(ids)),
    providerById: new DataLoader<string, CatalogProvider | null>((ids) => catalog.getProviders(ids)),
    modelsByProviderId: new DataLoader<string, CatalogModel[]>((providerIds) =>
      Promise.all(providerIds.map((providerId) => catalog.listModels({ providerId }))),
    ),
    conversationById: entityLoader(entities.conversations),
    completionRequestById: entityLoader(entities.completionRequests),
    routeById: entityLoader(entities.routes),
  };
}
