/** The normalized chat request every provider adapter receives. Wire formats never reach the core. */

export type MessageRole = "system" | "user" | "assistant" | "tool";

export type ContentPart =
  | { type: "text"; text: string }
  /** `url` is an http(s) URL or a `data:` URL; `mediaType` is known for data URLs. */
  | { type: "image"; url: string; mediaType?: string; detail?: "auto" | "low" | "high" };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text exactly as the model produced it. */
  arguments: string;
}

export interface ChatMessage {
  role: MessageRole;
  /** Plain text or ordered multi-part content (text and images). */
  content: string | ContentPart[];
  /** Assistant messages: the tool calls the model made. */
  toolCalls?: ToolCall[];
  /** Tool messages: which call this result answers. */
  toolCallId?: string;
  /** Optional participant / tool name. */
  name?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the arguments. */
  parameters: Record<string, unknown>;
  strict?: boolean;
}

export type ToolChoice = "auto" | "none" | "required" | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/** The client protocol a request arrived in, so an adapter speaking the same protocol can pass unknown fields through. */
export type ClientProtocol = "openai-chat" | "anthropic-messages" | "graphql";

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  responseFormat?: ResponseFormat;
  temperature?: number;
  topP?: number;
  maxOutputTokens?: number;
  stop?: string[];
  seed?: number;
  /** Caller-supplied labels; stored with the request, never sent upstream unless the protocol has a slot for them. */
  metadata?: Record<string, string>;
  /** End-user id (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** Reasoning effort hint for reasoning models. */
  reasoningEffort?: "low" | "medium" | "high";
  /**
   * Fields of the original body the normalized model does not know. An adapter whose wire protocol
   * equals `protocol` merges them into the upstream body unchanged (pass-through); others ignore them
   * and add a warning.
   */
  passthrough?: { protocol: ClientProtocol; fields: Record<string, unknown> };
}

/** Text of a message's content, images dropped. */
export function messageText(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  let text = "";
  for (const part of content) if (part.type === "text") text += part.text;
  return text;
}

export function hasImages(request: ChatRequest): boolean {
  for (const message of request.messages) {
    if (typeof message.content !== "string" && message.content.some((part) => part.type === "image")) return true;
  }
  return false;
}
