import "reflect-metadata";
import { Ctx, Query, Resolver } from "type-graphql";
import { ApiKey } from "./api-key.type.js";
import type { GraphQLContext } from "./context.js";

@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Query(() => ApiKey, { description: "The key this request authenticated with." })
  async me(@Ctx() context: GraphQLContext): Promise<ApiKey> {
    const { principal } = context;
    const stored = context.services.apiKeys ? await context.services.apiKeys.getKey(principal.keyId) : null;
    return (
      stored ?? {
        id: principal.keyId,
        name: principal.name,
        prefix: principal.prefix,
        role: principal.role,
        allowedModels: principal.allowedModels,
        budget: null,
        requestsPerMinute: principal.requestsPerMinute ?? null,
        tokensPerMinute: principal.tokensPerMinute ?? null,
        createdAt: null,
        lastUsedAt: null,
        revokedAt: null,
      }
    );
  }
}
