import "reflect-metadata";
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import type { CatalogModel, CatalogProvider } from "../core/model/index.js";
import type { GraphQLContext } from "./context.js";
import { modelHealth, providerHealth } from "./health.js";
import { Model } from "./model.type.js";
import { Provider, ProviderHealth } from "./provider.type.js";

@Resolver(() => Provider)
export class ProviderResolver {
  @Query(() => [Provider], { description: "Every known provider, enabled or not." })
  async providers(@Ctx() context: GraphQLContext): Promise<CatalogProvider[]> {
    return context.services.catalog.listProviders();
  }

  @Query(() => Provider, { nullable: true })
  async provider(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<CatalogProvider | null> {
    return context.loaders.providerById.load(id);
  }

  @FieldResolver(() => [Model])
  async models(@Root() provider: CatalogProvider, @Ctx() context: GraphQLContext): Promise<CatalogModel[]> {
    return context.loaders.modelsByProviderId.load(provider.id);
  }

  @FieldResolver(() => ProviderHealth)
  async health(@Root() provider: CatalogProvider, @Ctx() context: GraphQLContext): Promise<ProviderHealth> {
    const models = await context.loaders.modelsByProviderId.load(provider.id);
    return providerHealth(models.map((model) => modelHealth(context.services, model.id)));
  }
}
