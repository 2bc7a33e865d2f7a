import { bigint, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-key.schema.js";
import { createdAt, updatedAt } from "./columns.js";

export type MessageRoleValue = "SYSTEM" | "USER" | "ASSISTANT" | "TOOL";

export const conversations = pgTable(
  "conversations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    title: text("title"),
    model: text("model"),
    systemPrompt: text("system_prompt"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [index("conversations_key_created_idx").on(table.apiKeyId, table.createdAt.desc())],
);

/**
 * Messages. `seq` is an identity column: a stable total order (timestamps can tie within
 * a millisecond) and the basis of pagination cursors. The completion-request link is set for
 * assistant messages; it has no FK so the two rows can be written in either order.
 */
export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    role: text("role").$type<MessageRoleValue>().notNull(),
    content: text("content").notNull(),
    completionRequestId: uuid("completion_request_id"),
    createdAt: createdAt(),
  },
  (table) => [index("messages_conversation_seq_idx").on(table.conversationId, table.seq)],
);

export type ConversationRow = typeof conversations.$inferSelect;
export type NewConversationRow = typeof conversations.$inferInsert;
export type MessageRow = typeof messages.$inferSelect;
export type NewMessageRow = typeof messages.$inferInsert;
