import type { Database } from "../../db/client.js";
import type { Router } from "../../core/routing/router.js";
import type { CompletionService } from "../completion/completion.service.js";
import { CompletionRequestService } from "../requests/completion-request.service.js";
import { UsageService } from "../usage/usage.service.js";
import { ChatService } from "./chat.service.js";
import { ConversationService } from "./conversation.service.js";
import { contextWindowFromRouter } from "./history-trim.js";

/** What the GraphQL conversation, completion and usage resolvers use. */
export interface ChatServices {
  conversations: ConversationService;
  requests: CompletionRequestService;
  usage: UsageService;
  chat: ChatService;
}

export interface ChatServicesDeps {
  database: Database;
  completions: Pick<CompletionService, "start">;
  /** Enables trimming conversation history to the target's context window. */
  router?: Router;
}

/** Wiring helper for the composition root (gateway / app). */
export function createChatServices(deps: ChatServicesDeps): ChatServices {
  const conversations = new ConversationService(deps.database);
  const requests = new CompletionRequestService(deps.database);
  const chat = new ChatService({
    conversations,
    requests,
    completions: deps.completions,
    contextWindow: deps.router ? contextWindowFromRouter(deps.router) : undefined,
  });
  return { conversations, requests, usage: new UsageService(deps.database), chat };
}
