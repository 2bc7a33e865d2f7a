import type { ChatMessage, ChatRequest, ContentPart, ToolChoice } from "../../core/model/chat-request.js";
import { parseBody, unknownFields } from "../shared/validation.js";
import { KNOWN_MESSAGES_FIELDS, messagesRequestSchema, type AnthropicContentBlock, type MessagesRequestBody } from "./messages.schema.js";

/** A parsed `POST /v1/messages` call in gateway terms. */
export interface AnthropicMessagesCall {
  request: ChatRequest;
  target: string;
  stream: boolean;
}

type MediaBlock = Extract<AnthropicContentBlock, { type: "text" | "image" }>;

function imagePart(block: Extract<AnthropicContentBlock, { type: "image" }>): ContentPart {
  const source = block.source;
  if (source.type === "url") return { type: "image", url: source.url };
  return { type: "image", url: `data:${source.media_type};base64,${source.data}`, mediaType: source.media_type };
}

function partsOf(blocks: readonly MediaBlock[]): ContentPart[] {
  return blocks.map((block) => (block.type === "text" ? { type: "text", text: block.text } : imagePart(block)));
}

/** Plain text when the parts are only text (what every adapter handles best), else the parts. */
function compact(parts: ContentPart[]): string | ContentPart[] {
  if (parts.every((part) => part.type === "text")) return parts.map((part) => (part.type === "text" ? part.text : "")).join("");
  return parts;
}

function toolResultContent(block: Extract<AnthropicContentBlock, { type: "tool_result" }>): string | ContentPart[] {
  const content = block.content;
  const value = content === undefined ? "" : typeof content === "string" ? content : compact(partsOf(content));
  // Providers without an error flag still see that the tool failed.
  if (block.is_error && typeof value === "string") return `Error: ${value}`;
  return value;
}

/** A user turn: tool results become `tool` messages (first, as Anthropic orders them), the rest one user message. */
function userMessages(blocks: readonly AnthropicContentBlock[], out: ChatMessage[]): void {
  const parts: MediaBlock[] = [];
  for (const block of blocks) {
    if (block.type === "tool_result") out.push({ role: "tool", content: toolResultContent(block), toolCallId: block.tool_use_id });
    else if (block.type === "text" || block.type === "image") parts.push(block);
  }
  if (parts.length > 0) out.push({ role: "user", content: compact(partsOf(parts)) });
}

function assistantMessage(blocks: readonly AnthropicContentBlock[]): ChatMessage {
  let text = "";
  const message: ChatMessage = { role: "assistant", content: "" };
  for (const block of blocks) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use") {
      (message.toolCalls ??= []).push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
    }
  }
  message.content = text;
  return message;
}

function toToolChoice(choice: NonNullable<MessagesRequestBody["tool_choice"]>): ToolChoice {
  switch (choice.type) {
    case "auto":
      return "auto";
    case "any":
      return "required";
    case "none":
      return "none";
    case "tool":
      return { type: "tool", name: choice.name };
  }
}

function toMessages(body: MessagesRequestBody): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (body.system !== undefined) {
    const system = typeof body.system === "string" ? body.system : body.system.map((block) => block.text).join("\n");
    if (system !== "") messages.push({ role: "system", content: system });
  }
  for (const message of body.messages) {
    if (typeof message.content === "string") messages.push({ role: message.role, content: message.content });
    else if (message.role === "user") userMessages(message.content, messages);
    else messages.push(assistantMessage(message.content));
  }
  return messages;
}

/** Validates an Anthropic Messages body and translates it; throws AppError BAD_USER_INPUT. */
export function parseMessagesRequest(raw: unknown): AnthropicMessagesCall {
  const body = parseBody(messagesRequestSchema, raw);
  const request: ChatRequest = { messages: toMessages(body), maxOutputTokens: body.max_tokens };
  if (body.tools?.length) {
    request.tools = body.tools.map((tool) => ({
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      parameters: tool.input_schema,
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.stop_sequences?.length) request.stop = body.stop_sequences;
  if (body.temperature !== undefined) request.temperature = body.temperature;
  if (body.top_p !== undefined) request.topP = body.top_p;
  if (body.metadata?.user_id) request.user = body.metadata.user_id;
  const fields = unknownFields(raw as object, KNOWN_MESSAGES_FIELDS);
  if (fields) request.passthrough = { protocol: "anthropic-messages", fields };
  return { request, target: body.model, stream: body.stream === true };
}
