import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from "../../core/model/chat-request.js";
import { messageText } from "../../core/model/chat-request.js";
import type { FinishReason } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import { asNumber, asObject, isObject, jsonModeInstruction } from "./json.js";
import type { JsonObject } from "./json.js";

/** How an OpenAI-compatible upstream differs from OpenAI itself. */
export interface OpenAICompatibleDialect {
  /** `max_completion_tokens` (OpenAI) or `max_tokens` (most compatible servers). */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  /** Send `stream_options: { include_usage: true }` (servers that reject it report usage anyway). */
  streamUsageOption: boolean;
  /** Wire name of the seed, or null when the upstream has none (then a warning). */
  seedField: "seed" | "random_seed" | null;
  /** Native `json_schema` response format; otherwise emulated with json_object + instruction + warning. */
  jsonSchema: boolean;
  /** Accepts `reasoning_effort`. */
  reasoningEffort: boolean;
}

function contentToWire(content: string | ContentPart[]): string | JsonObject[] {
  if (typeof content === "string") return content;
  return content.map((part) =>
    part.type === "text"
      ? { type: "text", text: part.text }
      : { type: "image_url", image_url: part.detail ? { url: part.url, detail: part.detail } : { url: part.url } },
  );
}

function messageToWire(message: ChatMessage): JsonObject {
  if (message.role === "tool") {
    return { role: "tool", tool_call_id: message.toolCallId ?? "", content: messageText(message.content) };
  }
  if (message.role === "assistant") {
    const wire: JsonObject = { role: "assistant", content: messageText(message.content) || null };
    if (message.toolCalls?.length) {
      wire.tool_calls = message.toolCalls.map((call) => ({
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }));
    }
    return wire;
  }
  const wire: JsonObject = { role: message.role, content: contentToWire(message.content) };
  if (message.name) wire.name = message.name;
  return wire;
}

function toolChoiceToWire(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}

/** Builds the chat-completions body; pass-through fields go underneath so our mapped fields win. */
export function toChatCompletionsBody(
  request: ChatRequest,
  model: string,
  stream: boolean,
  dialect: OpenAICompatibleDialect,
): JsonObject {
  const passthrough = request.passthrough?.protocol === "openai-chat" ? request.passthrough.fields : {};
  const messages = request.messages.map(messageToWire);
  const body: JsonObject = { ...passthrough, model, messages };
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: {
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        parameters: tool.parameters,
        ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      },
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toolChoiceToWire(request.toolChoice);
  const format = request.responseFormat;
  if (format?.type === "json_object") body.response_format = { type: "json_object" };
  if (format?.type === "json_schema") {
    if (dialect.jsonSchema) {
      body.response_format = {
        type: "json_schema",
        json_schema: { name: format.name, schema: format.schema, strict: format.strict, description: format.description },
      };
    } else {
      body.response_format = { type: "json_object" };
      messages.unshift({ role: "system", content: jsonModeInstruction(format.schema) });
    }
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxOutputTokens !== undefined) body[dialect.maxTokensField] = request.maxOutputTokens;
  if (request.stop?.length) body.stop = request.stop;
  if (request.seed !== undefined && dialect.seedField) body[dialect.seedField] = request.seed;
  if (request.user !== undefined) body.user = request.user;
  if (request.reasoningEffort !== undefined && dialect.reasoningEffort) body.reasoning_effort = request.reasoningEffort;
  body.stream = stream;
  if (stream && dialect.streamUsageOption) body.stream_options = { ...asObject(passthrough.stream_options), include_usage: true };
  return body;
}

export function dialectWarnings(request: ChatRequest, dialect: OpenAICompatibleDialect): string[] {
  const warnings: string[] = [];
  if (request.seed !== undefined && !dialect.seedField) warnings.push("seed is not supported by this provider and was ignored");
  if (request.responseFormat?.type === "json_schema" && !dialect.jsonSchema) {
    warnings.push("json_schema output is emulated with JSON mode and a system instruction (not enforced by the provider)");
  }
  if (request.reasoningEffort !== undefined && !dialect.reasoningEffort) warnings.push("reasoningEffort is not supported by this provider and was ignored");
  return warnings;
}

export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case "stop":
      return "stop";
    case "length":
      return "length";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    default:
      return "other";
  }
}

/**
 * OpenAI usage: `prompt_tokens` already includes `prompt_tokens_details.cached_tokens`, and
 * `completion_tokens` already includes `completion_tokens_details.reasoning_tokens`. DeepSeek reports
 * cache reads as `prompt_cache_hit_tokens` (also within prompt_tokens).
 */
export function normalizeOpenAIUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const promptDetails = asObject(raw.prompt_tokens_details);
  const completionDetails = asObject(raw.completion_tokens_details);
  const cached = asNumber(promptDetails.cached_tokens) || asNumber(raw.prompt_cache_hit_tokens);
  return {
    inputTokens: asNumber(raw.prompt_tokens),
    outputTokens: asNumber(raw.completion_tokens),
    cachedInputTokens: cached,
    cacheWriteInputTokens: 0,
    reasoningTokens: asNumber(completionDetails.reasoning_tokens),
    source: "REPORTED",
  };
}
