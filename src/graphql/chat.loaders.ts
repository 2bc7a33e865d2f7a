import DataLoader from "dataloader";
import type { CompletionRequestRow, ConversationRow, MessageRow } from "../db/schema/index.js";
import type { ChatServices } from "../services/conversations/chat-services.js";
import type { ConversationTotals } from "../services/conversations/conversation.service.js";
import type { Page, PageArgs, Viewer } from "../services/requests/page.js";

/** Per-operation loaders for conversations, messages and completion requests (SPEC §3: no N+1). */
export interface ChatLoaders {
  conversationById: DataLoader<string, ConversationRow | null>;
  conversationTotals: DataLoader<string, ConversationTotals>;
  requestById: DataLoader<string, CompletionRequestRow | null>;
  /** Keyed by conversation id + page args; one query per distinct page args in a batch. */
  messagePage: DataLoader<MessagePageKey, Page<MessageRow>, string>;
}

export interface MessagePageKey extends PageArgs {
  conversationId: string;
}

function unavailable(): never {
  throw new Error("conversation services are not wired into the GraphQL context");
}

/** Groups page keys by their args so each group is one batched query. */
async function loadMessagePages(services: ChatServices, keys: readonly MessagePageKey[]): Promise<Page<MessageRow>[]> {
  const groups = new Map<string, { args: PageArgs; indexes: number[] }>();
  keys.forEach((key, index) => {
    const argsKey = `${key.first ?? ""}|${key.after ?? ""}`;
    const group = groups.get(argsKey) ?? { args: { first: key.first, after: key.after }, indexes: [] };
    group.indexes.push(index);
    groups.set(argsKey, group);
  });
  const results: Page<MessageRow>[] = new Array<Page<MessageRow>>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (group) => {
      const pages = await services.conversations.messagePages(group.indexes.map((index) => keys[index]!.conversationId), group.args);
      group.indexes.forEach((keyIndex, position) => (results[keyIndex] = pages[position]!));
    }),
  );
  return results;
}

export function createChatLoaders(services: ChatServices | undefined, viewer: Viewer): ChatLoaders {
  return {
    conversationById: new DataLoader((ids) => (services ? services.conversations.byIds(viewer, ids) : unavailable())),
    conversationTotals: new DataLoader((ids) => (services ? services.conversations.totals(ids) : unavailable())),
    requestById: new DataLoader((ids) => (services ? services.requests.byIds(viewer, ids) : unavailable())),
    messagePage: new DataLoader((keys) => (services ? loadMessagePages(services, keys) : unavailable()), {
      cacheKeyFn: (key) => `${key.conversationId}|${key.first ?? ""}|${key.after ?? ""}`,
    }),
  };
}
