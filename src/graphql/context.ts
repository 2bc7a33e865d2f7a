import { createChatLoaders, type ChatLoaders } from "./chat.loaders.js";
import { createLoaders, type Loaders } from "./loaders.js";
import type { GraphQLServices } from "./services.js";

export type { CatalogModelFilter, CatalogReader, EntityLookups, GraphQLServices } from "./services.js";

/** The calling key, as authentication resolved it (same shape as services/auth's Principal). */
export interface CallerPrincipal {
  keyId: string;
  name: string;
  role: "ADMIN" | "APP";
  prefix: string;
  allowedModels: string[] | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

export interface GraphQLContext {
  principal: CallerPrincipal;
  requestId: string;
  services: GraphQLServices;
  /** New loaders per HTTP request and per graphql-ws operation, so caching never crosses requests. */
  loaders: Loaders;
  /** Conversation, message and completion-request loaders, scoped to the caller's key. */
  chat: ChatLoaders;
}

/** Loaders are built on first use: a `complete` mutation never reads through them. */
class RequestContext implements GraphQLContext {
  private ownLoaders: Loaders | undefined;
  private ownChat: ChatLoaders | undefined;

  constructor(
    readonly services: GraphQLServices,
    readonly principal: CallerPrincipal,
    readonly requestId: string,
  ) {}

  get loaders(): Loaders {
    return (this.ownLoaders ??= createLoaders(this.services));
  }

  get chat(): ChatLoaders {
    return (this.ownChat ??= createChatLoaders(this.services.chat, this.principal));
  }
}

export function createGraphQLContext(services: GraphQLServices, principal: CallerPrincipal, requestId: string): GraphQLContext {
  return new RequestContext(services, principal, requestId);
}
