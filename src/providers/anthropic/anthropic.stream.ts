import type { ToolCall } from "../../core/model/chat-request.js";
import { GatewayError } from "../../core/model/errors.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import { errorFromStreamPayload } from "../shared/error-mapping.js";
import { asArray, asObject, asString, isObject } from "../shared/json.js";
import type { JsonObject } from "../shared/json.js";
import { parseEventJson } from "../shared/sse.js";
import type { SseEvent } from "../shared/sse.js";
import { mapAnthropicStopReason, normalizeAnthropicUsage } from "./anthropic.mapping.js";

interface ToolBlock {
  toolIndex: number;
  id: string;
  name: string;
  json: string;
}

interface StreamState {
  usage: JsonObject;
  stopReason: string | null;
  toolBlocks: Map<number, ToolBlock>;
  toolCount: number;
  stopped: boolean;
}

/** message_start → content_block_* → message_delta → message_stop; `ping` ignored, `error` thrown. */
export async function* anthropicEventsToParts(
  events: AsyncIterable<SseEvent>,
  context: { provider: string; model: string },
): AsyncGenerator<StreamPart> {
  const state: StreamState = { usage: {}, stopReason: null, toolBlocks: new Map(), toolCount: 0, stopped: false };
  for await (const event of events) {
    const data = asObject(parseEventJson(event, context.provider, context.model));
    const type = asString(data.type) ?? event.event;
    if (type === "error") throw errorFromStreamPayload(data, context);
    if (type === "message_start") {
      const message = asObject(data.message);
      state.usage = { ...asObject(message.usage) };
      yield { type: "start", responseId: asString(message.id), model: asString(message.model) };
    } else if (type === "content_block_start") {
      yield* blockStart(data, state);
    } else if (type === "content_block_delta") {
      yield* blockDelta(data, state);
    } else if (type === "content_block_stop") {
      const block = state.toolBlocks.get(Number(data.index));
      if (block) yield { type: "tool-call", index: block.toolIndex, call: { id: block.id, name: block.name, arguments: block.json || "{}" } };
    } else if (type === "message_delta") {
      state.stopReason = asString(asObject(data.delta).stop_reason) ?? state.stopReason;
      // message_delta usage is cumulative: output_tokens, and (newer API) the input counts again.
      for (const [key, value] of Object.entries(asObject(data.usage))) if (typeof value === "number") state.usage[key] = value;
    } else if (type === "message_stop") {
      state.stopped = true;
      break;
    }
  }
  if (!state.stopped) throw new GatewayError("network", "Upstream stream ended before message_stop", { ...context });
  yield {
    type: "finish",
    finishReason: mapAnthropicStopReason(state.stopReason),
    rawFinishReason: state.stopReason,
    usage: normalizeAnthropicUsage(state.usage),
  };
}

function* blockStart(data: JsonObject, state: StreamState): Generator<StreamPart> {
  const block = asObject(data.content_block);
  if (block.type === "tool_use") {
    const tool: ToolBlock = { toolIndex: state.toolCount++, id: asString(block.id) ?? "", name: asString(block.name) ?? "", json: "" };
    state.toolBlocks.set(Number(data.index), tool);
    yield { type: "tool-call-delta", index: tool.toolIndex, id: tool.id, name: tool.name, argumentsDelta: "" };
  } else if (block.type === "text" && asString(block.text)) {
    yield { type: "text-delta", text: asString(block.text) ?? "" };
  }
}

function* blockDelta(data: JsonObject, state: StreamState): Generator<StreamPart> {
  const delta = asObject(data.delta);
  if (delta.type === "text_delta") {
    const text = asString(delta.text);
    if (text) yield { type: "text-delta", text };
  } else if (delta.type === "thinking_delta") {
    const text = asString(delta.thinking);
    if (text) yield { type: "reasoning-delta", text };
  } else if (delta.type === "input_json_delta") {
    const block = state.toolBlocks.get(Number(data.index));
    const partial = asString(delta.partial_json) ?? "";
    if (block) {
      block.json += partial;
      yield { type: "tool-call-delta", index: block.toolIndex, argumentsDelta: partial };
    }
  }
}

/** Maps a non-streamed Message object. */
export function anthropicMessageToResult(body: unknown): GenerateResult {
  const message = asObject(body);
  let text = "";
  let reasoning = "";
  const toolCalls: ToolCall[] = [];
  for (const value of asArray(message.content)) {
    const block = asObject(value);
    if (block.type === "text") text += asString(block.text) ?? "";
    else if (block.type === "thinking") reasoning += asString(block.thinking) ?? "";
    else if (block.type === "tool_use") {
      toolCalls.push({ id: asString(block.id) ?? "", name: asString(block.name) ?? "", arguments: JSON.stringify(isObject(block.input) ? block.input : {}) });
    }
  }
  const rawFinishReason = asString(message.stop_reason) ?? null;
  return {
    responseId: asString(message.id),
    model: asString(message.model),
    text,
    ...(reasoning ? { reasoning } : {}),
    toolCalls,
    finishReason: mapAnthropicStopReason(rawFinishReason),
    rawFinishReason,
    usage: normalizeAnthropicUsage(message.usage),
    raw: body,
  };
}
