import "reflect-metadata";
import { GraphQLJSONObject } from "graphql-scalars";
import { Arg, Ctx, FieldResolver, Float, ID, Int, Query, Resolver, Root } from "type-graphql";
import type { CatalogModel, CatalogProvider } from "../core/model/index.js";
import { usdToNumber } from "../core/pricing/money.js";
import type { CompletionRequestRow, ConversationRow } from "../db/schema/index.js";
import type { CompletionRequestFilter } from "../services/requests/completion-request.service.js";
import type { Page } from "../services/requests/page.js";
import { chatServices } from "./chat.mapping.js";
import { CompletionAttempt, CompletionRequest, CompletionRequestConnection, RoutingCandidate } from "./completion-request.type.js";
import { CompletionRequestFilterInput } from "./completion.input.js";
import type { GraphQLContext } from "./context.js";
import { Conversation } from "./conversation.type.js";
import { UsageSource } from "./enums.js";
import { Model } from "./model.type.js";
import { Provider } from "./provider.type.js";
import { attemptsOf, candidatesOf, decisionOf } from "./decision-trail.js";

export function requestFilterOf(filter: CompletionRequestFilterInput | null | undefined): CompletionRequestFilter {
  if (!filter) return {};
  return {
    status: filter.status ?? null,
    model: filter.model ?? null,
    providerId: filter.provider ?? null,
    conversationId: filter.conversationId ?? null,
    apiKeyId: filter.apiKeyId ?? null,
    from: filter.from ?? null,
    to: filter.to ?? null,
  };
}

@Resolver(() => CompletionRequest)
export class CompletionRequestResolver {
  @Query(() => CompletionRequestConnection, { description: "Completion requests, newest first. APP keys see only their own." })
  async completionRequests(
    @Arg("filter", () => CompletionRequestFilterInput, { nullable: true }) filter: CompletionRequestFilterInput | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<Page<CompletionRequestRow>> {
    const page = await chatServices(context).requests.list(context.principal, requestFilterOf(filter), { first, after });
    for (const edge of page.edges) context.chat.requestById.prime(edge.node.id, edge.node);
    return page;
  }

  @FieldResolver(() => Conversation, { nullable: true })
  async conversation(@Root() request: CompletionRequestRow, @Ctx() context: GraphQLContext): Promise<ConversationRow | null> {
    return request.conversationId ? context.chat.conversationById.load(request.conversationId) : null;
  }

  @FieldResolver(() => Model, { nullable: true, description: "The catalog entry of the served model." })
  async model(@Root() request: CompletionRequestRow, @Ctx() context: GraphQLContext): Promise<CatalogModel | null> {
    return request.servedModel ? context.loaders.modelById.load(request.servedModel) : null;
  }

  @FieldResolver(() => Provider, { nullable: true })
  async provider(@Root() request: CompletionRequestRow, @Ctx() context: GraphQLContext): Promise<CatalogProvider | null> {
    return request.providerId ? context.loaders.providerById.load(request.providerId) : null;
  }

  @FieldResolver(() => Float, { nullable: true, description: "USD; null when the served model is unpriced or nothing was consumed." })
  costUsd(@Root() request: CompletionRequestRow): number | null {
    return request.costUsd === null ? null : usdToNumber(request.costUsd);
  }

  @FieldResolver(() => String, { nullable: true, description: "costUsd as the exact stored decimal string." })
  costUsdDecimal(@Root() request: CompletionRequestRow): string | null {
    return request.costUsd;
  }

  @FieldResolver(() => Boolean, { description: "Tokens were consumed on a model without a price (cost unknown, never $0)." })
  unpriced(@Root() request: CompletionRequestRow): boolean {
    return request.unpriced;
  }

  @FieldResolver(() => UsageSource, { description: "REPORTED by the upstream or ESTIMATED by the gateway's tokenizer." })
  usageSource(@Root() request: CompletionRequestRow): "REPORTED" | "ESTIMATED" {
    return request.usageSource ?? "REPORTED";
  }

  @FieldResolver(() => [CompletionAttempt], { description: "The decision trail: each upstream attempt in order." })
  attempts(@Root() request: CompletionRequestRow): CompletionAttempt[] {
    return attemptsOf(request.decision);
  }

  @FieldResolver(() => [RoutingCandidate], { description: "The decision trail's candidates: every deployment the route considered, in the strategy's order, then the excluded ones with why." })
  candidates(@Root() request: CompletionRequestRow): RoutingCandidate[] {
    return candidatesOf(request.decision);
  }

  @FieldResolver(() => String, { nullable: true, description: "Why the served deployment was chosen." })
  routingReason(@Root() request: CompletionRequestRow): string | null {
    return decisionOf(request.decision).reason;
  }

  @FieldResolver(() => String, { nullable: true, description: "The route that decided (null for a directly addressed model)." })
  route(@Root() request: CompletionRequestRow): string | null {
    return decisionOf(request.decision).route;
  }

  @FieldResolver(() => [String])
  warnings(@Root() request: CompletionRequestRow): string[] {
    return request.warnings ?? [];
  }

  @FieldResolver(() => String, { nullable: true })
  finishReason(@Root() request: CompletionRequestRow): string | null {
    return request.finishReason;
  }

  @FieldResolver(() => Boolean)
  stream(@Root() request: CompletionRequestRow): boolean {
    return request.stream;
  }

  @FieldResolver(() => String, { description: "graphql, openai or anthropic." })
  protocol(@Root() request: CompletionRequestRow): string {
    return request.protocol;
  }

  @FieldResolver(() => ID, { description: "The API key that made the request." })
  apiKeyId(@Root() request: CompletionRequestRow): string {
    return request.apiKeyId;
  }

  @FieldResolver(() => GraphQLJSONObject, { nullable: true })
  metadata(@Root() request: CompletionRequestRow): Record<string, unknown> | null {
    return request.metadata;
  }
}
