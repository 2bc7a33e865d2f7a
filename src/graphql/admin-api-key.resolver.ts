import "reflect-metadata";
import { Arg, Ctx, Field, ID, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { BudgetInput, CreateApiKeyInput } from "./admin.inputs.js";
import { adminServices, toApiKey } from "./admin.mapping.js";
import { ApiKey } from "./api-key.type.js";
import type { GraphQLContext } from "./context.js";

@ObjectType("CreateApiKeyPayload")
export class CreateApiKeyPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: "The key's secret. Shown here once; only its hash is stored." })
  secret!: string;
}

@Resolver()
export class AdminApiKeyResolver {
  @Query(() => [ApiKey], { description: "Every gateway key (admin only)." })
  async apiKeys(@Ctx() context: GraphQLContext): Promise<ApiKey[]> {
    return (await adminServices(context).apiKeys.list()).map(toApiKey);
  }

  @Mutation(() => CreateApiKeyPayload, { description: "Creates a key; its secret is returned once (admin only)." })
  async createApiKey(@Arg("input", () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() context: GraphQLContext): Promise<CreateApiKeyPayload> {
    const created = await adminServices(context).apiKeys.create(input);
    return { apiKey: toApiKey(created.key), secret: created.secret };
  }

  @Mutation(() => ApiKey, { description: "Revokes a key at once on every instance (admin only)." })
  async revokeApiKey(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<ApiKey> {
    return toApiKey(await adminServices(context).apiKeys.revoke(id));
  }

  @Mutation(() => ApiKey, { description: "Sets a key's budget; null removes it (admin only)." })
  async setApiKeyBudget(
    @Arg("id", () => ID) id: string,
    @Arg("budget", () => BudgetInput, { nullable: true }) budget: BudgetInput | null,
    @Ctx() context: GraphQLContext,
  ): Promise<ApiKey> {
    return toApiKey(await adminServices(context).apiKeys.setBudget(id, budget));
  }
}
