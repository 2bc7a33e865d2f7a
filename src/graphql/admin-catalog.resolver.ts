import "reflect-metadata";
import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { CatalogModel, CatalogProvider } from "../core/model/index.js";
import { ModelPricingInput, UpsertProviderInput } from "./admin.inputs.js";
import { adminServices } from "./admin.mapping.js";
import type { GraphQLContext } from "./context.js";
import { Model } from "./model.type.js";
import { Provider } from "./provider.type.js";

/** Provider and model administration (admin only); each change reaches every instance's next request. */
@Resolver()
export class AdminCatalogResolver {
  @Mutation(() => Provider, { description: "Creates or updates a provider. apiKey is write-only (stored encrypted)." })
  async upsertProvider(@Arg("input", () => UpsertProviderInput) input: UpsertProviderInput, @Ctx() context: GraphQLContext): Promise<CatalogProvider> {
    return { ...(await adminServices(context).providers.upsert(input)) };
  }

  @Mutation(() => Provider)
  async setProviderEnabled(
    @Arg("id", () => ID) id: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Ctx() context: GraphQLContext,
  ): Promise<CatalogProvider> {
    return { ...(await adminServices(context).providers.setEnabled(id, enabled)) };
  }

  @Mutation(() => Model)
  async setModelEnabled(
    @Arg("id", () => ID) id: string,
    @Arg("enabled", () => Boolean) enabled: boolean,
    @Ctx() context: GraphQLContext,
  ): Promise<CatalogModel> {
    return { ...(await adminServices(context).models.setEnabled(id, enabled)) };
  }

  @Mutation(() => Model, { description: "Overrides a model's price (source `override`); null removes the override." })
  async setModelPricing(
    @Arg("id", () => ID) id: string,
    @Arg("pricing", () => ModelPricingInput, { nullable: true }) pricing: ModelPricingInput | null,
    @Ctx() context: GraphQLContext,
  ): Promise<CatalogModel> {
    return { ...(await adminServices(context).models.setPricing(id, pricing)) };
  }
}
