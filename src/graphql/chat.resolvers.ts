import { CompletionFailedResolver, CompletionFinishedResolver, CompletionResultResolver, RouteDecidedResolver } from "./completion-event.resolver.js";
import { CompletionRequestResolver } from "./completion-request.resolver.js";
import { CompletionResolver } from "./completion.resolver.js";
import { ConversationResolver, MessageResolver, SendMessagePayloadResolver } from "./conversation.resolver.js";
import { UsageResolver } from "./usage.resolver.js";

/** The conversation, completion and usage resolvers, registered by the schema build. */
export const CHAT_RESOLVERS = [
  ConversationResolver,
  MessageResolver,
  SendMessagePayloadResolver,
  CompletionRequestResolver,
  CompletionResolver,
  RouteDecidedResolver,
  CompletionFinishedResolver,
  CompletionFailedResolver,
  CompletionResultResolver,
  UsageResolver,
] as const;
