import { boolean, index, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-key.schema.js";
import { createdAt, timestampTz, usd } from "./columns.js";
import { conversations } from "./conversation.schema.js";

export type RequestStatusValue = "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "INTERRUPTED";
export type RequestProtocolValue = "graphql" | "openai" | "anthropic";
export type UsageSourceValue = "REPORTED" | "ESTIMATED";

/** One attempt of the decision trail. */
export interface AttemptRecord {
  providerId: string;
  model: string;
  status: "SUCCEEDED" | "FAILED" | "ABORTED" | "SKIPPED";
  errorCode?: string | null;
  errorMessage?: string | null;
  httpStatus?: number | null;
  latencyMs?: number | null;
  startedAt?: string;
}

/** Why the served model was chosen: the candidates considered, each attempt, and the reason. */
export interface DecisionTrail {
  route?: string | null;
  strategy?: string | null;
  candidates: Array<{ model: string; excluded?: string | null }>;
  attempts: AttemptRecord[];
  reason?: string | null;
}

/**
 * One row per completion request, written as RUNNING when it starts and settled when it ends,
 * so failed, aborted and interrupted requests are recorded too.
 */
export const completionRequests = pgTable(
  "completion_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    conversationId: uuid("conversation_id").references(() => conversations.id, { onDelete: "set null" }),
    instanceId: text("instance_id").notNull(),
    protocol: text("protocol").$type<RequestProtocolValue>().notNull(),
    stream: boolean("stream").notNull().default(false),
    requestedModel: text("requested_model").notNull(),
    servedModel: text("served_model"),
    providerId: text("provider_id"),
    status: text("status").$type<RequestStatusValue>().notNull().default("RUNNING"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    cachedInputTokens: integer("cached_input_tokens").notNull().default(0),
    cacheWriteInputTokens: integer("cache_write_input_tokens").notNull().default(0),
    reasoningTokens: integer("reasoning_tokens").notNull().default(0),
    usageSource: text("usage_source").$type<UsageSourceValue>(),
    costUsd: usd("cost_usd"),
    priceSource: text("price_source"),
    unpriced: boolean("unpriced").notNull().default(false),
    finishReason: text("finish_reason"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    latencyMs: integer("latency_ms"),
    timeToFirstTokenMs: integer("time_to_first_token_ms"),
    decision: jsonb("decision").$type<DecisionTrail>(),
    warnings: jsonb("warnings").$type<string[]>(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    finishedAt: timestampTz("finished_at"),
  },
  (table) => [
    index("completion_requests_key_created_idx").on(table.apiKeyId, table.createdAt.desc()),
    index("completion_requests_status_instance_idx").on(table.status, table.instanceId),
    index("completion_requests_created_idx").on(table.createdAt),
    index("completion_requests_conversation_idx").on(table.conversationId),
  ],
);

export type CompletionRequestRow = typeof completionRequests.$inferSelect;
export type NewCompletionRequestRow = typeof completionRequests.$inferInsert;
