import type { CatalogModel } from "../model/catalog.js";
import type { RouteDefinition } from "../model/route.js";

/** The catalog as the router reads it; the services layer implements it over an invalidated cache. */
export interface CatalogView {
  /** By `provider/model` id. */
  model(id: string): CatalogModel | undefined;
  /** Every deployment whose provider-side name is `name`. */
  modelsByName(name: string): CatalogModel[];
  models(): readonly CatalogModel[];
}

export interface RouteView {
  route(name: string): RouteDefinition | undefined;
}
