import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from "../../core/model/chat-request.js";
import { messageText } from "../../core/model/chat-request.js";
import type { FinishReason } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import { asNumber, isObject, jsonModeInstruction, parseArguments, parseDataUrl } from "../shared/json.js";
import type { JsonObject } from "../shared/json.js";

/** Anthropic requires max_tokens; used when the caller gives none. */
export const ANTHROPIC_DEFAULT_MAX_TOKENS = 4096;

function imageBlock(part: Extract<ContentPart, { type: "image" }>): JsonObject {
  const data = parseDataUrl(part.url);
  return data
    ? { type: "image", source: { type: "base64", media_type: part.mediaType ?? data.mediaType, data: data.data } }
    : { type: "image", source: { type: "url", url: part.url } };
}

function contentBlocks(message: ChatMessage): JsonObject[] {
  if (message.role === "tool") {
    return [{ type: "tool_result", tool_use_id: message.toolCallId ?? "", content: messageText(message.content) }];
  }
  const blocks: JsonObject[] =
    typeof message.content === "string"
      ? message.content === "" ? [] : [{ type: "text", text: message.content }]
      : message.content.map((part) => (part.type === "text" ? { type: "text", text: part.text } : imageBlock(part)));
  for (const call of message.toolCalls ?? []) {
    blocks.push({ type: "tool_use", id: call.id, name: call.name, input: parseArguments(call.arguments) });
  }
  return blocks;
}

/** System messages become `system`; tool results ride in user turns; consecutive same-role turns merge. */
function toMessages(messages: ChatMessage[]): { system: string[]; messages: JsonObject[] } {
  const system: string[] = [];
  const wire: { role: "user" | "assistant"; content: JsonObject[] }[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      system.push(messageText(message.content));
      continue;
    }
    const role = message.role === "assistant" ? "assistant" : "user";
    const blocks = contentBlocks(message);
    const last = wire[wire.length - 1];
    if (last && last.role === role) last.content.push(...blocks);
    else wire.push({ role, content: blocks });
  }
  return { system, messages: wire };
}

function toolChoiceToWire(choice: ToolChoice): JsonObject {
  if (choice === "auto") return { type: "auto" };
  if (choice === "none") return { type: "none" };
  if (choice === "required") return { type: "any" };
  return { type: "tool", name: choice.name };
}

export function toAnthropicBody(request: ChatRequest, model: string, stream: boolean): JsonObject {
  const passthrough = request.passthrough?.protocol === "anthropic-messages" ? request.passthrough.fields : {};
  const { system, messages } = toMessages(request.messages);
  const format = request.responseFormat;
  if (format && format.type !== "text") system.push(jsonModeInstruction(format.type === "json_schema" ? format.schema : undefined));
  const body: JsonObject = { ...passthrough, model, messages, max_tokens: request.maxOutputTokens ?? ANTHROPIC_DEFAULT_MAX_TOKENS };
  if (system.length) body.system = system.join("\n\n");
  if (request.tools?.length) {
    body.tools = request.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      input_schema: tool.parameters,
    }));
  }
  if (request.toolChoice !== undefined) body.tool_choice = toolChoiceToWire(request.toolChoice);
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stop?.length) body.stop_sequences = request.stop;
  if (request.user !== undefined) body.metadata = { ...(isObject(passthrough.metadata) ? passthrough.metadata : {}), user_id: request.user };
  if (stream) body.stream = true;
  return body;
}

export function anthropicWarnings(request: ChatRequest): string[] {
  const warnings: string[] = [];
  if (request.seed !== undefined) warnings.push("seed is not supported by Anthropic and was ignored");
  if (request.responseFormat && request.responseFormat.type !== "text") {
    warnings.push("JSON output is emulated on Anthropic with a system instruction (not enforced by the provider)");
  }
  if (request.reasoningEffort !== undefined) warnings.push("reasoningEffort is not mapped for Anthropic and was ignored");
  return warnings;
}

export function mapAnthropicStopReason(raw: string | null): FinishReason {
  switch (raw) {
    case "end_turn":
    case "stop_sequence":
    case "pause_turn":
      return "stop";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      return "other";
  }
}

/** Anthropic's `input_tokens` excludes cache reads and writes; SPEC §8's inputTokens includes both. */
export function normalizeAnthropicUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const uncached = asNumber(raw.input_tokens);
  const cacheRead = asNumber(raw.cache_read_input_tokens);
  const cacheWrite = asNumber(raw.cache_creation_input_tokens);
  return {
    inputTokens: uncached + cacheRead + cacheWrite,
    outputTokens: asNumber(raw.output_tokens),
    cachedInputTokens: cacheRead,
    cacheWriteInputTokens: cacheWrite,
    reasoningTokens: 0,
    source: "REPORTED",
  };
}
