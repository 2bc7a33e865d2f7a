import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import type { ChatRequest, ContentPart } from "../model/chat-request.js";

/**
 * Prompt token estimation with the o200k tokenizer, run only when it matters.
 *
 * Tokenizing costs ~0.15 µs per character, far above a routing decision's budget, so the router first
 * takes a cheap upper bound from the character counts: an o200k token covers at least one UTF-8 byte,
 * and a UTF-16 code unit is at most 3 UTF-8 bytes, so `3 × chars` (plus fixed per-message and per-image
 * allowances) can never be below the true count. Only when that bound does not fit a context limit is
 * the exact count computed.
 */

/** Chat-format framing per message (role markers, separators), as OpenAI documents for its chat models. */
export const TOKENS_PER_MESSAGE = 4;
/** Priming of the assistant reply. */
export const TOKENS_PER_REPLY = 3;
/** Allowance per image: above what OpenAI (765 at high detail) and Anthropic (~1,600) bill for one image. */
export const TOKENS_PER_IMAGE = 1_600;
/** UTF-8 bytes per UTF-16 code unit, at most. */
const MAX_BYTES_PER_CHAR = 3;
/** Typical characters per token for English text, used for the cheap estimate when we do not tokenize. */
const CHARS_PER_TOKEN = 4;

/** Character counts of a request, gathered without allocating. */
export interface PromptMeasure {
  chars: number;
  images: number;
  messages: number;
  toolChars: number;
}

export interface PromptTokenEstimate {
  /** Exact o200k count when `exact`, otherwise a chars/4 estimate (never above `upperBound`). */
  tokens: number;
  /** A bound the true count cannot exceed. */
  upperBound: number;
  exact: boolean;
}

function addContent(measure: PromptMeasure, content: string | ContentPart[]): void {
  if (typeof content === "string") {
    measure.chars += content.length;
    return;
  }
  for (const part of content) {
    if (part.type === "text") measure.chars += part.text.length;
    else measure.images += 1;
  }
}

export function measurePrompt(request: ChatRequest): PromptMeasure {
  const measure: PromptMeasure = { chars: 0, images: 0, messages: request.messages.length, toolChars: 0 };
  for (const message of request.messages) {
    addContent(measure, message.content);
    if (message.toolCalls) {
      for (const call of message.toolCalls) measure.chars += call.name.length + call.arguments.length;
    }
  }
  if (request.tools) {
    for (const tool of request.tools) {
      // Schemas are small objects; their JSON text is what the upstream tokenizes.
      measure.toolChars += tool.name.length + (tool.description?.length ?? 0) + JSON.stringify(tool.parameters).length;
    }
  }
  return measure;
}

function framing(measure: PromptMeasure): number {
  return measure.messages * TOKENS_PER_MESSAGE + TOKENS_PER_REPLY + measure.images * TOKENS_PER_IMAGE;
}

export function promptUpperBound(measure: PromptMeasure): number {
  return (measure.chars + measure.toolChars) * MAX_BYTES_PER_CHAR + framing(measure);
}

/** Cheap estimate from a measure (no tokenizer). */
export function cheapPromptEstimate(measure: PromptMeasure): PromptTokenEstimate {
  const upperBound = promptUpperBound(measure);
  const tokens = Math.ceil((measure.chars + measure.toolChars) / CHARS_PER_TOKEN) + framing(measure);
  return { tokens, upperBound, exact: false };
}

/** Exact o200k count of the prompt (text, tool calls, tool schemas) plus the fixed framing allowances. */
export function countPromptTokens(request: ChatRequest): number {
  let tokens = TOKENS_PER_REPLY;
  for (const message of request.messages) {
    tokens += TOKENS_PER_MESSAGE;
    const content = message.content;
    if (typeof content === "string") tokens += countText(content);
    else {
      for (const part of content) tokens += part.type === "text" ? countText(part.text) : TOKENS_PER_IMAGE;
    }
    if (message.toolCalls) {
      for (const call of message.toolCalls) tokens += countText(call.name) + countText(call.arguments);
    }
  }
  if (request.tools && request.tools.length > 0) tokens += countText(JSON.stringify(request.tools));
  return tokens;
}

/** Token count of a text with o200k (0 for the empty string, without calling the tokenizer). */
export function countText(text: string): number {
  return text.length === 0 ? 0 : countTokens(text);
}

/**
 * Prompt estimate for a request. With `limit`, the tokenizer runs only when the cheap upper bound
 * exceeds it; with `exact`, always.
 */
export function estimatePromptTokens(request: ChatRequest, options: { exact?: boolean; limit?: number } = {}): PromptTokenEstimate {
  const cheap = cheapPromptEstimate(measurePrompt(request));
  const needExact = options.exact === true || (options.limit !== undefined && cheap.upperBound > options.limit);
  if (!needExact) return cheap;
  const tokens = countPromptTokens(request);
  return { tokens, upperBound: tokens, exact: true };
}

/** Counts streamed output (text, reasoning, tool-call arguments) for ESTIMATED usage. */
export function countOutputTokens(parts: { text: string; reasoning: string; toolArguments: string }): number {
  return countText(parts.text) + countText(parts.reasoning) + countText(parts.toolArguments);
}
