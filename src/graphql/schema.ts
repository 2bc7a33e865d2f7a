import "reflect-metadata";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { createPubSub } from "@graphql-yoga/subscription";
import { parse, type GraphQLSchema } from "graphql";
import { buildSchema, createResolversMap } from "type-graphql";
import { ADMIN_RESOLVERS } from "./admin.resolvers.js";
import { ApiKeyResolver } from "./api-key.resolver.js";
import { ApiKey, Budget } from "./api-key.type.js";
import { CHAT_RESOLVERS } from "./chat.resolvers.js";
import { CompletionRequest, CompletionRequestConnection } from "./completion-request.type.js";
import type { GraphQLContext } from "./context.js";
import { Conversation, ConversationConnection, MessageConnection } from "./conversation.type.js";
import { ModelResolver } from "./model.resolver.js";
import { ProviderResolver } from "./provider.resolver.js";
import { Route } from "./route.type.js";
import { DateTimeScalar } from "./scalars.js";

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** Types declared now for SPEC §3/§8's fixed shapes that no operation returns yet. */
const ORPHANED_TYPES = [Conversation, ConversationConnection, MessageConnection, CompletionRequest, CompletionRequestConnection, Route, ApiKey, Budget];

interface EntityReference {
  id: string;
}

/**
 * @apollo/subgraph tags each resolved entity with `__typename` by defining a property on it, which
 * throws on the frozen objects the catalog shares; a shallow copy per reference keeps those intact.
 */
async function unfrozen(value: Promise<object | null>): Promise<object | null> {
  const resolved = await value;
  return resolved === null ? null : { ...resolved };
}

/** Each entity's reference resolver goes through the per-request DataLoader, so `_entities` batches. */
const REFERENCE_RESOLVERS: Record<string, (reference: EntityReference, context: GraphQLContext) => Promise<object | null>> = {
  Provider: (reference, context) => unfrozen(context.loaders.providerById.load(reference.id)),
  Model: (reference, context) => unfrozen(context.loaders.modelById.load(reference.id)),
  Conversation: (reference, context) =>
    unfrozen(context.services.chat ? context.chat.conversationById.load(reference.id) : context.loaders.conversationById.load(reference.id)),
  CompletionRequest: (reference, context) =>
    unfrozen(context.services.chat ? context.chat.requestById.load(reference.id) : context.loaders.completionRequestById.load(reference.id)),
  Route: (reference, context) => unfrozen(context.loaders.routeById.load(reference.id)),
};

/**
 * STACK.md "Federated schema": type-graphql builds the executable schema, its resolvers are
 * re-attached to a subgraph schema built from the printed SDL plus the federation @link.
 * (type-graphql's own emitSchemaFile drops directives, so it cannot produce the subgraph SDL.)
 */
export async function buildFederatedSchema(): Promise<GraphQLSchema> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: [ProviderResolver, ModelResolver, ApiKeyResolver, ...CHAT_RESOLVERS, ...ADMIN_RESOLVERS],
    orphanedTypes: ORPHANED_TYPES,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    pubSub: createPubSub(),
  });
  // createResolversMap keeps { subscribe, resolve } for Subscription fields and the scalar instances.
  const resolvers: Record<string, unknown> = { ...createResolversMap(typeGraphQLSchema) };
  for (const [typeName, resolveReference] of Object.entries(REFERENCE_RESOLVERS)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object | undefined), __resolveReference: resolveReference };
  }
  type SubgraphModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;
  return buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphQLSchema)}`),
    resolvers: resolvers as SubgraphModule["resolvers"],
  });
}
