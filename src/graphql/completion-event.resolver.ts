import "reflect-metadata";
import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { CatalogProvider } from "../core/model/index.js";
import type { CompletionRequestRow } from "../db/schema/index.js";
import { CompletionFailed, CompletionFinished, CompletionResult, RouteDecided } from "./completion-event.type.js";
import { CompletionRequest } from "./completion-request.type.js";
import type { GraphQLContext } from "./context.js";
import { Provider } from "./provider.type.js";

/** Loads a settled request row; the services awaited its write before the event was emitted. */
async function settledRequest(context: GraphQLContext, id: string): Promise<CompletionRequestRow> {
  const row = await context.chat.requestById.load(id);
  if (!row) throw new Error(`completion request ${id} is not stored`);
  return row;
}

@Resolver(() => RouteDecided)
export class RouteDecidedResolver {
  @FieldResolver(() => Provider)
  async provider(@Root() event: RouteDecided, @Ctx() context: GraphQLContext): Promise<CatalogProvider> {
    const provider = await context.loaders.providerById.load(event.providerId);
    if (!provider) throw new Error(`provider ${event.providerId} is not in the catalog`);
    return provider;
  }
}

@Resolver(() => CompletionFinished)
export class CompletionFinishedResolver {
  @FieldResolver(() => CompletionRequest, { description: "The settled request: usage, cost, latency and decision trail." })
  async request(@Root() event: CompletionFinished, @Ctx() context: GraphQLContext): Promise<CompletionRequestRow> {
    return settledRequest(context, event.requestId);
  }
}

@Resolver(() => CompletionFailed)
export class CompletionFailedResolver {
  @FieldResolver(() => CompletionRequest, { description: "The settled request, with the usage consumed before the failure." })
  async request(@Root() event: CompletionFailed, @Ctx() context: GraphQLContext): Promise<CompletionRequestRow> {
    return settledRequest(context, event.requestId);
  }
}

@Resolver(() => CompletionResult)
export class CompletionResultResolver {
  @FieldResolver(() => CompletionRequest)
  async request(@Root() result: CompletionResult, @Ctx() context: GraphQLContext): Promise<CompletionRequestRow> {
    return settledRequest(context, result.requestId);
  }
}
