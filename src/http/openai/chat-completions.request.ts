import type { ChatMessage, ChatRequest, ContentPart, ResponseFormat, ToolChoice } from "../../core/model/chat-request.js";
import { AppError } from "../../core/model/errors.js";
import { parseBody, unknownFields } from "../shared/validation.js";
import {
  chatCompletionRequestSchema,
  KNOWN_CHAT_FIELDS,
  type ChatCompletionMessage,
  type ChatCompletionRequestBody,
} from "./chat-completions.schema.js";

/** A parsed `POST /v1/chat/completions` call in gateway terms. */
export interface OpenAIChatCall {
  request: ChatRequest;
  /** The `model` field: `provider/model`, a bare name, `route:NAME`, `auto`; undefined → the default route. */
  target: string | undefined;
  stream: boolean;
  includeUsage: boolean;
}

const DATA_URL_MEDIA_TYPE = /^data:([^;,]+)/;

function textOf(parts: readonly { type: string; text?: string }[]): string {
  let text = "";
  for (const part of parts) if (part.type === "text" && part.text !== undefined) text += part.text;
  return text;
}

function userContent(content: string | Extract<ChatCompletionMessage, { role: "user" }>["content"]): string | ContentPart[] {
  if (typeof content === "string") return content;
  return content.map((part): ContentPart => {
    if (part.type === "text") return { type: "text", text: part.text };
    const url = part.image_url.url;
    const mediaType = DATA_URL_MEDIA_TYPE.exec(url)?.[1];
    return {
      type: "image",
      url,
      ...(mediaType ? { mediaType } : {}),
      ...(part.image_url.detail ? { detail: part.image_url.detail } : {}),
    };
  });
}

function toMessage(message: ChatCompletionMessage): ChatMessage {
  switch (message.role) {
    case "system":
    case "developer":
      return { role: "system", content: typeof message.content === "string" ? message.content : textOf(message.content) };
    case "user":
      return { role: "user", content: userContent(message.content), ...(message.name ? { name: message.name } : {}) };
    case "assistant": {
      const content = message.content;
      const out: ChatMessage = { role: "assistant", content: content == null ? "" : typeof content === "string" ? content : textOf(content) };
      if (message.tool_calls?.length) {
        out.toolCalls = message.tool_calls.map((call) => ({ id: call.id, name: call.function.name, arguments: call.function.arguments }));
      }
      if (message.name) out.name = message.name;
      return out;
    }
    case "tool":
      return { role: "tool", content: typeof message.content === "string" ? message.content : textOf(message.content), toolCallId: message.tool_call_id };
  }
}

function toToolChoice(choice: NonNullable<ChatCompletionRequestBody["tool_choice"]>): ToolChoice {
  return typeof choice === "string" ? choice : { type: "tool", name: choice.function.name };
}

function toResponseFormat(format: NonNullable<ChatCompletionRequestBody["response_format"]>): ResponseFormat {
  if (format.type !== "json_schema") return { type: format.type };
  const spec = format.json_schema;
  return {
    type: "json_schema",
    name: spec.name,
    schema: spec.schema ?? {},
    ...(spec.strict != null ? { strict: spec.strict } : {}),
    ...(spec.description !== undefined ? { description: spec.description } : {}),
  };
}

/** Copies the optional sampling / limit fields (null means absent in OpenAI's API). */
function applyOptions(request: ChatRequest, body: ChatCompletionRequestBody): void {
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) request.maxOutputTokens = maxTokens;
  if (body.stop != null) {
    const stop = typeof body.stop === "string" ? [body.stop] : body.stop;
    if (stop.length) request.stop = stop;
  }
  if (body.seed != null) request.seed = body.seed;
  if (body.user !== undefined) request.user = body.user;
  if (body.metadata != null) request.metadata = body.metadata;
  if (body.reasoning_effort != null) request.reasoningEffort = body.reasoning_effort === "minimal" ? "low" : body.reasoning_effort;
}

/** Validates an OpenAI chat-completions body and translates it; throws AppError BAD_USER_INPUT. */
export function parseChatCompletionRequest(raw: unknown): OpenAIChatCall {
  const body = parseBody(chatCompletionRequestSchema, raw);
  if (body.n != null && body.n > 1) {
    throw new AppError("BAD_USER_INPUT", "n > 1 is not supported: Switchyard returns one choice per request; send parallel requests instead.", {
      details: { param: "n" },
    });
  }
  const request: ChatRequest = { messages: body.messages.map(toMessage) };
  if (body.tools?.length) {
    request.tools = body.tools.map((tool) => ({
      name: tool.function.name,
      ...(tool.function.description !== undefined ? { description: tool.function.description } : {}),
      parameters: tool.function.parameters ?? { type: "object", properties: {} },
      ...(tool.function.strict != null ? { strict: tool.function.strict } : {}),
    }));
  }
  if (body.tool_choice !== undefined) request.toolChoice = toToolChoice(body.tool_choice);
  if (body.response_format !== undefined) request.responseFormat = toResponseFormat(body.response_format);
  applyOptions(request, body);
  const fields = unknownFields(raw as object, KNOWN_CHAT_FIELDS);
  if (fields) request.passthrough = { protocol: "openai-chat", fields };
  const stream = body.stream === true;
  return {
    request,
    target: body.model === undefined || body.model === "" ? undefined : body.model,
    stream,
    includeUsage: stream && body.stream_options?.include_usage === true,
  };
}
