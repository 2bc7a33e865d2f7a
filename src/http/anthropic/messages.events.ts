import type { AppError } from "../../core/model/errors.js";
import { anthropicErrorBody } from "./anthropic-errors.js";
import type { AnthropicUsage } from "./messages.response.js";

/** Preformatted Anthropic Messages SSE events. */

function event(type: string, json: string): string {
  return `event: ${type}\ndata: ${json}\n\n`;
}

export const PING_EVENT = event("ping", '{"type":"ping"}');
export const MESSAGE_STOP_EVENT = event("message_stop", '{"type":"message_stop"}');

export function messageStartEvent(id: string, model: string, estimatedInputTokens: number): string {
  const message = {
    id,
    type: "message",
    role: "assistant",
    model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: estimatedInputTokens, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
  };
  return event("message_start", JSON.stringify({ type: "message_start", message }));
}

export function textBlockStartEvent(index: number): string {
  return event("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}`);
}

export function toolBlockStartEvent(index: number, id: string, name: string): string {
  const block = { type: "tool_use", id, name, input: {} };
  return event("content_block_start", `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify(block)}}`);
}

export function textDeltaEvent(index: number, text: string): string {
  return event("content_block_delta", `{"type":"content_block_delta","index":${index},"delta":{"type":"text_delta","text":${JSON.stringify(text)}}}`);
}

export function inputJsonDeltaEvent(index: number, partialJson: string): string {
  return event(
    "content_block_delta",
    `{"type":"content_block_delta","index":${index},"delta":{"type":"input_json_delta","partial_json":${JSON.stringify(partialJson)}}}`,
  );
}

export function blockStopEvent(index: number): string {
  return event("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
}

/** Final stop reason and the whole message's usage (cumulative, as Anthropic sends it). */
export function messageDeltaEvent(stopReason: string, usage: AnthropicUsage): string {
  return event("message_delta", JSON.stringify({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage }));
}

export function errorEvent(error: AppError): string {
  return event("error", JSON.stringify(anthropicErrorBody(error)));
}
