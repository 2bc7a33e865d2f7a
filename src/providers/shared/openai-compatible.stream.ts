import { GatewayError } from "../../core/model/errors.js";
import type { FinishReason, GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import type { ToolCall } from "../../core/model/chat-request.js";
import type { Usage } from "../../core/model/usage.js";
import { errorFromStreamPayload } from "./error-mapping.js";
import { asArray, asObject, asString, isObject } from "./json.js";
import { mapOpenAIFinishReason } from "./openai-compatible.mapping.js";
import { parseEventJson } from "./sse.js";
import type { SseEvent } from "./sse.js";

export type UsageNormalizer = (raw: unknown) => Usage | null;

interface PendingToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** Reasoning text as DeepSeek (`reasoning_content`) and Ollama / vLLM (`reasoning`) send it. */
function reasoningOf(message: Record<string, unknown>): string | undefined {
  return asString(message.reasoning_content) ?? asString(message.reasoning);
}

/** Turns chat.completion.chunk events into StreamParts; the finish part waits for the trailing usage chunk. */
export async function* openAIChunksToParts(
  events: AsyncIterable<SseEvent>,
  normalizeUsage: UsageNormalizer,
  context: { provider: string; model: string },
): AsyncGenerator<StreamPart> {
  let started = false;
  let rawFinishReason: string | null = null;
  let usage: Usage | null = null;
  let sawDone = false;
  const toolCalls = new Map<number, PendingToolCall>();
  for await (const event of events) {
    if (event.data === "[DONE]") {
      sawDone = true;
      break;
    }
    const chunk = asObject(parseEventJson(event, context.provider, context.model));
    if (chunk.error !== undefined) throw errorFromStreamPayload(chunk, context);
    if (!started) {
      started = true;
      yield { type: "start", responseId: asString(chunk.id), model: asString(chunk.model) };
    }
    if (isObject(chunk.usage)) usage = normalizeUsage(chunk.usage);
    for (const choiceValue of asArray(chunk.choices)) {
      const choice = asObject(choiceValue);
      const delta = asObject(choice.delta);
      const reasoning = reasoningOf(delta);
      if (reasoning) yield { type: "reasoning-delta", text: reasoning };
      const content = asString(delta.content);
      if (content) yield { type: "text-delta", text: content };
      for (const callValue of asArray(delta.tool_calls)) yield* toolCallDelta(asObject(callValue), toolCalls);
      const finish = asString(choice.finish_reason);
      if (finish) rawFinishReason = finish;
    }
  }
  if (!sawDone && rawFinishReason === null) {
    throw new GatewayError("network", "Upstream stream ended before completion", { ...context });
  }
  yield* completedToolCalls(toolCalls);
  let finishReason: FinishReason = mapOpenAIFinishReason(rawFinishReason);
  if (toolCalls.size > 0 && finishReason === "stop") finishReason = "tool_calls";
  yield { type: "finish", finishReason, rawFinishReason, usage };
}

function* toolCallDelta(call: Record<string, unknown>, pending: Map<number, PendingToolCall>): Generator<StreamPart> {
  const index = typeof call.index === "number" ? call.index : pending.size;
  const fn = asObject(call.function);
  const argumentsDelta = asString(fn.arguments) ?? "";
  let entry = pending.get(index);
  const first = entry === undefined;
  if (!entry) {
    entry = { id: asString(call.id) ?? `call_${index}`, name: asString(fn.name) ?? "", arguments: "" };
    pending.set(index, entry);
  } else if (!entry.name && asString(fn.name)) {
    entry.name = asString(fn.name) ?? "";
  }
  entry.arguments += argumentsDelta;
  yield first
    ? { type: "tool-call-delta", index, id: entry.id, name: entry.name, argumentsDelta }
    : { type: "tool-call-delta", index, argumentsDelta };
}

function* completedToolCalls(pending: Map<number, PendingToolCall>): Generator<StreamPart> {
  const indexes = [...pending.keys()].sort((a, b) => a - b);
  for (const index of indexes) {
    const entry = pending.get(index)!;
    yield { type: "tool-call", index, call: { id: entry.id, name: entry.name, arguments: entry.arguments } };
  }
}

/** Maps a non-streamed chat.completion object. */
export function openAICompletionToResult(body: unknown, normalizeUsage: UsageNormalizer): GenerateResult {
  const completion = asObject(body);
  const choice = asObject(asArray(completion.choices)[0]);
  const message = asObject(choice.message);
  const toolCalls: ToolCall[] = asArray(message.tool_calls).map((value, index) => {
    const call = asObject(value);
    const fn = asObject(call.function);
    return { id: asString(call.id) ?? `call_${index}`, name: asString(fn.name) ?? "", arguments: asString(fn.arguments) ?? "" };
  });
  const rawFinishReason = asString(choice.finish_reason) ?? null;
  let finishReason = mapOpenAIFinishReason(rawFinishReason);
  if (toolCalls.length > 0 && finishReason === "stop") finishReason = "tool_calls";
  const reasoning = reasoningOf(message);
  return {
    responseId: asString(completion.id),
    model: asString(completion.model),
    text: asString(message.content) ?? "",
    ...(reasoning ? { reasoning } : {}),
    toolCalls,
    finishReason,
    rawFinishReason,
    usage: normalizeUsage(completion.usage),
    raw: body,
  };
}
