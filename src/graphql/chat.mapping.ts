import type { ResponseFormat, ToolDefinition } from "../core/model/chat-request.js";
import { AppError } from "../core/model/errors.js";
import type { Principal } from "../services/auth/api-key.service.js";
import type { CompletionCaller } from "../services/completion/completion.service.js";
import type { ChatServices } from "../services/conversations/chat-services.js";
import type { TurnInput } from "../services/conversations/chat.service.js";
import type { CompletionInput, ResponseFormatInput, ToolInput } from "./completion.input.js";
import type { GraphQLContext } from "./context.js";

export function chatServices(context: GraphQLContext): ChatServices {
  const services = context.services.chat;
  if (!services) throw new AppError("INTERNAL_SERVER_ERROR", "conversation services are not configured");
  return services;
}

/**
 * The completion caller. Authentication puts the services' full Principal in the context; the
 * defaults only matter for contexts built by hand (no budget, no limits).
 */
export function callerOf(context: GraphQLContext): CompletionCaller {
  const principal: Principal = { budgetLimitUsd: null, budgetPeriod: null, requestsPerMinute: null, tokensPerMinute: null, ...context.principal };
  return { principal, protocol: "graphql" };
}

function toolOf(tool: ToolInput): ToolDefinition {
  return { name: tool.name, description: tool.description ?? undefined, parameters: tool.parameters };
}

function responseFormatOf(format: ResponseFormatInput): ResponseFormat {
  if (format.type === "text" || format.type === "json_object") return { type: format.type };
  if (format.type === "json_schema") {
    if (!format.name || !format.schema) throw new AppError("BAD_USER_INPUT", "responseFormat json_schema needs name and schema");
    return { type: "json_schema", name: format.name, schema: format.schema, strict: format.strict ?? undefined };
  }
  throw new AppError("BAD_USER_INPUT", "responseFormat.type must be text, json_object or json_schema");
}

function metadataOf(metadata: Record<string, unknown>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") throw new AppError("BAD_USER_INPUT", `metadata.${key} must be a string`);
    result[key] = value;
  }
  return result;
}

export function turnInputOf(input: CompletionInput, stream: boolean, signal?: AbortSignal): TurnInput {
  return {
    target: input.model ?? null,
    messages:
      input.messages?.map((message) => ({
        role: message.role,
        content: message.content,
        toolCalls: message.toolCalls?.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })) ?? null,
        toolCallId: message.toolCallId ?? null,
      })) ?? null,
    content: input.content ?? null,
    conversationId: input.conversationId ?? null,
    maxTokens: input.maxTokens ?? null,
    temperature: input.temperature ?? null,
    tools: input.tools?.map(toolOf) ?? null,
    responseFormat: input.responseFormat ? responseFormatOf(input.responseFormat) : null,
    metadata: input.metadata ? metadataOf(input.metadata) : null,
    stream,
    signal,
  };
}
