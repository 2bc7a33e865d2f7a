import "reflect-metadata";
import { createUnionType, Field, ID, Int, ObjectType } from "type-graphql";
import type { CatalogModel, ToolCall as CoreToolCall } from "../core/model/index.js";
import type { ConversationRow, MessageRow } from "../db/schema/index.js";
import { Conversation, Message } from "./conversation.type.js";
import { Model } from "./model.type.js";

/**
 * The completion payloads and the `completionStream` events (SPEC §3). Roots are plain objects
 * tagged with `kind`; relations (request, provider, message) resolve lazily through the
 * per-operation loaders in completion-event.resolver.ts.
 */

@ObjectType("ToolCall", { description: "A function call the model asked for (finishReason tool_calls)." })
export class ToolCall {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The arguments as JSON text, exactly as the model produced them." })
  arguments!: string;
}

@ObjectType("RouteDecided", { description: "The router chose a deployment (again after a failover, with a higher attempt)." })
export class RouteDecided {
  readonly kind = "RouteDecided" as const;

  @Field(() => ID)
  requestId!: string;

  @Field(() => Model)
  model!: CatalogModel;

  @Field(() => Int, { description: "1 for the first attempt." })
  attempt!: number;

  @Field(() => String, { description: "Why this deployment was chosen." })
  reason!: string;

  providerId!: string;
}

@ObjectType("TokenDelta")
export class TokenDelta {
  readonly kind = "TokenDelta" as const;

  @Field(() => ID)
  requestId!: string;

  @Field(() => Int, { description: "0-based position of this delta in the stream." })
  index!: number;

  @Field(() => String)
  text!: string;
}

@ObjectType("CompletionFinished", { description: "The request settled (SUCCEEDED, or ABORTED/FAILED after tokens were streamed)." })
export class CompletionFinished {
  readonly kind = "CompletionFinished" as const;

  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { description: "The whole output text." })
  content!: string;

  @Field(() => String, { nullable: true, description: "stop, length, tool_calls, content_filter, error or other." })
  finishReason!: string | null;

  @Field(() => Message, { nullable: true, description: "The stored assistant message (with a conversationId)." })
  message!: MessageRow | null;

  @Field(() => [ToolCall], { description: "Tool calls the model made (empty unless finishReason is tool_calls)." })
  toolCalls!: CoreToolCall[];
}

@ObjectType("CompletionFailed", { description: "The request failed or was aborted. Requests refused before they start (budget, rate limit, unknown model) are GraphQL errors instead." })
export class CompletionFailed {
  readonly kind = "CompletionFailed" as const;

  @Field(() => ID)
  requestId!: string;

  @Field(() => String, { description: "BUDGET_EXCEEDED, RATE_LIMITED, NO_ROUTE, NOT_FOUND, FORBIDDEN, BAD_USER_INPUT, UPSTREAM_ERROR..." })
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Int, { nullable: true })
  retryAfterMs!: number | null;
}

export type CompletionEventRoot = RouteDecided | TokenDelta | CompletionFinished | CompletionFailed;

export const CompletionEvent = createUnionType({
  name: "CompletionEvent",
  description: "One step of a streamed completion: RouteDecided, TokenDelta (in order), then CompletionFinished or CompletionFailed.",
  types: () => [RouteDecided, TokenDelta, CompletionFinished, CompletionFailed] as const,
  // A name, not a class: the subgraph schema is rebuilt from SDL and only knows type names.
  resolveType: (value: CompletionEventRoot) => value.kind,
});

@ObjectType("CompletionResult")
export class CompletionResult {
  @Field(() => String)
  content!: string;

  @Field(() => String, { nullable: true })
  finishReason!: string | null;

  @Field(() => Message, { nullable: true, description: "The stored assistant message, when a conversationId was given." })
  message!: MessageRow | null;

  @Field(() => [String], { description: "How the gateway shaped the request (e.g. history trimmed to the context window)." })
  notes!: string[];

  @Field(() => [ToolCall], { description: "Tool calls the model made (empty unless finishReason is tool_calls). Send them back as an ASSISTANT message with toolCalls, then a TOOL message per result." })
  toolCalls!: CoreToolCall[];

  requestId!: string;
}

@ObjectType("SendMessagePayload")
export class SendMessagePayload {
  @Field(() => Conversation)
  conversation!: ConversationRow;

  @Field(() => Message)
  userMessage!: MessageRow;

  @Field(() => Message, { nullable: true, description: "null when the request failed before any text." })
  assistantMessage!: MessageRow | null;

  @Field(() => [String])
  notes!: string[];

  requestId!: string;
}
