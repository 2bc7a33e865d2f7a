import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { CatalogModel, ModelPricing as CoreModelPricing } from "../core/model/index.js";
import type { CatalogModelFilter, GraphQLContext } from "./context.js";
import { modelHealth } from "./health.js";
import { ModelFilter } from "./model.input.js";
import { Model, ModelHealth, ModelPricing } from "./model.type.js";
import { Provider } from "./provider.type.js";

/** GraphQL nulls mean "no condition"; the service's filter uses absent fields for that. */
function toCatalogFilter(filter: ModelFilter | null): CatalogModelFilter {
  if (!filter) return {};
  const result: CatalogModelFilter = {};
  if (filter.providerId != null) result.providerId = filter.providerId;
  if (filter.capability != null) result.capability = filter.capability;
  if (filter.maxInputPricePerMTok != null) result.maxInputPricePerMTok = filter.maxInputPricePerMTok;
  if (filter.minContextWindow != null) result.minContextWindow = filter.minContextWindow;
  if (filter.enabled != null) result.enabled = filter.enabled;
  return result;
}

function toPricing(pricing: CoreModelPricing): ModelPricing {
  return {
    inputPerMTok: pricing.inputPerMTok,
    outputPerMTok: pricing.outputPerMTok,
    cachedInputPerMTok: pricing.cachedInputPerMTok,
    cacheWritePerMTok: pricing.cacheWritePerMTok,
    tiers: (pricing.tiers ?? []).map((tier) => ({
      aboveInputTokens: tier.aboveInputTokens,
      inputPerMTok: tier.inputPerMTok,
      outputPerMTok: tier.outputPerMTok,
      cachedInputPerMTok: tier.cachedInputPerMTok ?? null,
      cacheWritePerMTok: tier.cacheWritePerMTok ?? null,
    })),
    source: pricing.source,
  };
}

@Resolver(() => Model)
export class ModelResolver {
  @Query(() => [Model], { description: "The model catalog, optionally filtered." })
  async models(
    @Arg("filter", () => ModelFilter, { nullable: true }) filter: ModelFilter | null,
    @Ctx() context: GraphQLContext,
  ): Promise<CatalogModel[]> {
    return context.services.catalog.listModels(toCatalogFilter(filter));
  }

  @Query(() => Model, { nullable: true, description: "A model by provider/model id." })
  async model(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<CatalogModel | null> {
    return context.loaders.modelById.load(id);
  }

  @FieldResolver(() => Provider)
  async provider(@Root() model: CatalogModel, @Ctx() context: GraphQLContext): Promise<unknown> {
    return context.loaders.providerById.load(model.providerId);
  }

  @FieldResolver(() => ModelPricing, { nullable: true })
  pricing(@Root() model: CatalogModel): ModelPricing | null {
    return model.pricing ? toPricing(model.pricing) : null;
  }

  @FieldResolver(() => Boolean, { description: "False when the catalog has no price for this model (pricing is null)." })
  priced(@Root() model: CatalogModel): boolean {
    return model.pricing !== null;
  }

  @FieldResolver(() => Boolean, { description: "A built-in local model (never chosen by a route that does not name it)." })
  local(@Root() model: CatalogModel): boolean {
    return model.local === true;
  }

  @FieldResolver(() => ModelHealth)
  health(@Root() model: CatalogModel, @Ctx() context: GraphQLContext): ModelHealth {
    return modelHealth(context.services, model.id);
  }
}
