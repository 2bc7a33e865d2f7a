import type { ToolCall } from "../../core/model/chat-request.js";
import { GatewayError } from "../../core/model/errors.js";
import type { GenerateResult, StreamPart } from "../../core/model/stream-part.js";
import { errorFromStreamPayload } from "../shared/error-mapping.js";
import { asArray, asObject, asString, isObject } from "../shared/json.js";
import type { JsonObject } from "../shared/json.js";
import { parseEventJson } from "../shared/sse.js";
import type { SseEvent } from "../shared/sse.js";
import { mapGeminiFinishReason, normalizeGeminiUsage } from "./google.mapping.js";

interface CandidateContent {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason: string | null;
}

/** Reads the first candidate of one GenerateContentResponse. */
function readCandidate(response: JsonObject, toolOffset: number): CandidateContent {
  const candidate = asObject(asArray(response.candidates)[0]);
  const result: CandidateContent = { text: "", reasoning: "", toolCalls: [], finishReason: asString(candidate.finishReason) ?? null };
  for (const value of asArray(asObject(candidate.content).parts)) {
    const part = asObject(value);
    const text = asString(part.text);
    if (text !== undefined) {
      if (part.thought === true) result.reasoning += text;
      else result.text += text;
    }
    if (isObject(part.functionCall)) {
      const call = part.functionCall;
      const index = toolOffset + result.toolCalls.length;
      result.toolCalls.push({
        id: asString(call.id) ?? `call_${index}`,
        name: asString(call.name) ?? "",
        arguments: JSON.stringify(isObject(call.args) ? call.args : {}),
      });
    }
  }
  const blockReason = asString(asObject(response.promptFeedback).blockReason);
  if (blockReason && !result.finishReason) result.finishReason = "SAFETY";
  return result;
}

/** Each SSE event is a whole GenerateContentResponse; the last usageMetadata is the total. No [DONE]. */
export async function* geminiEventsToParts(
  events: AsyncIterable<SseEvent>,
  context: { provider: string; model: string },
): AsyncGenerator<StreamPart> {
  let started = false;
  let usage: unknown = undefined;
  let finishReason: string | null = null;
  let toolCount = 0;
  for await (const event of events) {
    const response = asObject(parseEventJson(event, context.provider, context.model));
    if (response.error !== undefined) throw errorFromStreamPayload(response, context);
    if (!started) {
      started = true;
      yield { type: "start", responseId: asString(response.responseId), model: asString(response.modelVersion) };
    }
    if (isObject(response.usageMetadata)) usage = response.usageMetadata;
    const content = readCandidate(response, toolCount);
    if (content.reasoning) yield { type: "reasoning-delta", text: content.reasoning };
    if (content.text) yield { type: "text-delta", text: content.text };
    for (const call of content.toolCalls) {
      const index = toolCount++;
      yield { type: "tool-call-delta", index, id: call.id, name: call.name, argumentsDelta: call.arguments };
      yield { type: "tool-call", index, call };
    }
    if (content.finishReason) finishReason = content.finishReason;
  }
  if (!started || finishReason === null) {
    throw new GatewayError("network", "Upstream stream ended before a finish reason", { ...context });
  }
  yield {
    type: "finish",
    finishReason: mapGeminiFinishReason(finishReason, toolCount > 0),
    rawFinishReason: finishReason,
    usage: normalizeGeminiUsage(usage),
  };
}

export function geminiResponseToResult(body: unknown): GenerateResult {
  const response = asObject(body);
  const content = readCandidate(response, 0);
  return {
    responseId: asString(response.responseId),
    model: asString(response.modelVersion),
    text: content.text,
    ...(content.reasoning ? { reasoning: content.reasoning } : {}),
    toolCalls: content.toolCalls,
    finishReason: mapGeminiFinishReason(content.finishReason, content.toolCalls.length > 0),
    rawFinishReason: content.finishReason,
    usage: normalizeGeminiUsage(response.usageMetadata),
    raw: body,
  };
}
