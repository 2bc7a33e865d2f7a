import type { ToolCall } from "../../core/model/chat-request.js";
import type { FinishReason } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import type { Cost } from "../../core/pricing/cost.js";
import type { RouteOutcome } from "../../core/routing/router.types.js";
import { costNumber } from "../shared/completion-headers.js";

const ANTHROPIC_STOP_REASONS = new Set(["end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn", "refusal"]);

/** The upstream's own stop reason when it was Anthropic, else ours translated. */
export function anthropicStopReason(reason: FinishReason | null, raw: string | null): string {
  if (raw !== null && ANTHROPIC_STOP_REASONS.has(raw)) return raw;
  switch (reason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  /** Extra field: USD, null when the model is unpriced. */
  cost: number | null;
}

/** Anthropic's input_tokens excludes cache reads and writes; our inputTokens includes them. */
export function anthropicUsage(usage: Usage | null, cost: Cost | null): AnthropicUsage {
  const cachedRead = usage?.cachedInputTokens ?? 0;
  const cacheWrite = usage?.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, (usage?.inputTokens ?? 0) - cachedRead - cacheWrite),
    output_tokens: usage?.outputTokens ?? 0,
    cache_read_input_tokens: cachedRead,
    cache_creation_input_tokens: cacheWrite,
    cost: costNumber(cost),
  };
}

export function messageId(completionId: string): string {
  return `msg_${completionId.replaceAll("-", "")}`;
}

/** Tool arguments as a JSON object (invalid JSON from the model is kept as text under `_raw`). */
export function toolInput(call: ToolCall): unknown {
  if (call.arguments.trim() === "") return {};
  try {
    return JSON.parse(call.arguments) as unknown;
  } catch {
    return { _raw: call.arguments };
  }
}

/** The non-stream Anthropic `message` object. */
export function messageBody(completionId: string, outcome: RouteOutcome): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (outcome.text !== "" || outcome.toolCalls.length === 0) content.push({ type: "text", text: outcome.text });
  for (const call of outcome.toolCalls) content.push({ type: "tool_use", id: call.id, name: call.name, input: toolInput(call) });
  const stopReason = anthropicStopReason(outcome.finishReason, outcome.rawFinishReason);
  return {
    id: messageId(completionId),
    type: "message",
    role: "assistant",
    model: outcome.model?.id ?? "",
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: anthropicUsage(outcome.usage, outcome.cost),
  };
}
