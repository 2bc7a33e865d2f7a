import type { CatalogModel } from "../../core/model/catalog.js";
import type { CatalogView } from "../../core/routing/views.js";
import type { CatalogService } from "../catalog/catalog.service.js";

/**
 * The router's view of the catalog. `models()` is cached until the catalog changes, since the
 * `auto` route and bare names read it on the request path.
 */
export class CatalogRouterView implements CatalogView {
  private all: readonly CatalogModel[] | null = null;

  constructor(private readonly catalog: CatalogService) {}

  model(id: string): CatalogModel | undefined {
    return this.catalog.model(id) ?? undefined;
  }

  modelsByName(name: string): CatalogModel[] {
    return this.catalog.modelsByName(name);
  }

  models(): readonly CatalogModel[] {
    return (this.all ??= this.catalog.models());
  }

  /** Call after any catalog change (overrides, providers, discovered models). */
  invalidate(): void {
    this.all = null;
  }
}
