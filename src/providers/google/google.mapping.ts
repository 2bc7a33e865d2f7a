import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from "../../core/model/chat-request.js";
import { messageText } from "../../core/model/chat-request.js";
import type { FinishReason } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import { asNumber, isObject, parseArguments, parseDataUrl } from "../shared/json.js";
import type { JsonObject } from "../shared/json.js";

/** JSON Schema keywords Gemini's OpenAPI-subset `Schema` rejects. */
const UNSUPPORTED_SCHEMA_KEYS = new Set(["$schema", "additionalProperties", "$id", "strict", "$defs", "definitions"]);

export function toGeminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toGeminiSchema);
  if (!isObject(schema)) return schema;
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) if (!UNSUPPORTED_SCHEMA_KEYS.has(key)) result[key] = toGeminiSchema(value);
  return result;
}

function imagePart(part: Extract<ContentPart, { type: "image" }>): JsonObject {
  const data = parseDataUrl(part.url);
  return data
    ? { inlineData: { mimeType: part.mediaType ?? data.mediaType, data: data.data } }
    : { fileData: { mimeType: part.mediaType ?? "image/jpeg", fileUri: part.url } };
}

function partsOf(message: ChatMessage, toolNames: Map<string, string>): JsonObject[] {
  if (message.role === "tool") {
    const name = message.name ?? toolNames.get(message.toolCallId ?? "") ?? "tool";
    const text = messageText(message.content);
    const parsed = parseArguments(text);
    const response = "_raw" in parsed ? { content: text } : parsed;
    return [{ functionResponse: { ...(message.toolCallId ? { id: message.toolCallId } : {}), name, response } }];
  }
  const parts: JsonObject[] =
    typeof message.content === "string"
      ? message.content === "" ? [] : [{ text: message.content }]
      : message.content.map((part) => (part.type === "text" ? { text: part.text } : imagePart(part)));
  for (const call of message.toolCalls ?? []) {
    toolNames.set(call.id, call.name);
    parts.push({ functionCall: { name: call.name, args: parseArguments(call.arguments) } });
  }
  return parts;
}

function toolConfig(choice: ToolChoice): JsonObject {
  if (choice === "auto") return { functionCallingConfig: { mode: "AUTO" } };
  if (choice === "none") return { functionCallingConfig: { mode: "NONE" } };
  if (choice === "required") return { functionCallingConfig: { mode: "ANY" } };
  return { functionCallingConfig: { mode: "ANY", allowedFunctionNames: [choice.name] } };
}

function generationConfig(request: ChatRequest): JsonObject {
  const config: JsonObject = {};
  if (request.temperature !== undefined) config.temperature = request.temperature;
  if (request.topP !== undefined) config.topP = request.topP;
  if (request.maxOutputTokens !== undefined) config.maxOutputTokens = request.maxOutputTokens;
  if (request.stop?.length) config.stopSequences = request.stop;
  if (request.seed !== undefined) config.seed = request.seed;
  const format = request.responseFormat;
  if (format && format.type !== "text") config.responseMimeType = "application/json";
  if (format?.type === "json_schema") config.responseSchema = toGeminiSchema(format.schema);
  return config;
}

/** GenerateContentRequest: systemInstruction, contents (user/model), tools, toolConfig, generationConfig. */
export function toGeminiBody(request: ChatRequest): JsonObject {
  const system: JsonObject[] = [];
  const contents: { role: "user" | "model"; parts: JsonObject[] }[] = [];
  const toolNames = new Map<string, string>();
  for (const message of request.messages) {
    if (message.role === "system") {
      system.push({ text: messageText(message.content) });
      continue;
    }
    const role = message.role === "assistant" ? "model" : "user";
    const parts = partsOf(message, toolNames);
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  const body: JsonObject = { contents };
  if (system.length) body.systemInstruction = { parts: system };
  if (request.tools?.length) {
    body.tools = [
      {
        functionDeclarations: request.tools.map((tool) => ({
          name: tool.name,
          ...(tool.description !== undefined ? { description: tool.description } : {}),
          parameters: toGeminiSchema(tool.parameters),
        })),
      },
    ];
  }
  if (request.toolChoice !== undefined) body.toolConfig = toolConfig(request.toolChoice);
  const config = generationConfig(request);
  if (Object.keys(config).length) body.generationConfig = config;
  return body;
}

export function googleWarnings(request: ChatRequest): string[] {
  const warnings: string[] = [];
  if (request.user !== undefined) warnings.push("user is not supported by Gemini and was ignored");
  if (request.reasoningEffort !== undefined) warnings.push("reasoningEffort is not mapped for Gemini and was ignored");
  const passthrough = request.passthrough;
  if (passthrough && Object.keys(passthrough.fields).length) {
    warnings.push(`Fields not forwarded (Gemini does not speak ${passthrough.protocol}): ${Object.keys(passthrough.fields).join(", ")}`);
  }
  return warnings;
}

export function mapGeminiFinishReason(raw: string | null, hasToolCalls: boolean): FinishReason {
  switch (raw) {
    case "STOP":
      return hasToolCalls ? "tool_calls" : "stop";
    case "MAX_TOKENS":
      return "length";
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return "content_filter";
    case "MALFORMED_FUNCTION_CALL":
      return "error";
    default:
      return raw === null && hasToolCalls ? "tool_calls" : "other";
  }
}

/**
 * usageMetadata: promptTokenCount includes cachedContentTokenCount; thoughtsTokenCount is billed as
 * output but reported apart from candidatesTokenCount, so output = candidates + thoughts.
 */
export function normalizeGeminiUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const thoughts = asNumber(raw.thoughtsTokenCount);
  return {
    inputTokens: asNumber(raw.promptTokenCount) + asNumber(raw.toolUsePromptTokenCount),
    outputTokens: asNumber(raw.candidatesTokenCount) + thoughts,
    cachedInputTokens: asNumber(raw.cachedContentTokenCount),
    cacheWriteInputTokens: 0,
    reasoningTokens: thoughts,
    source: "REPORTED",
  };
}
