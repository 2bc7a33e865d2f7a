import type { FinishReason } from "../../core/model/stream-part.js";
import type { Usage } from "../../core/model/usage.js";
import type { Cost } from "../../core/pricing/cost.js";
import type { RouteOutcome } from "../../core/routing/router.types.js";
import { costNumber } from "../shared/completion-headers.js";

/** OpenAI's finish reasons; ours has `other`, which OpenAI has no word for. */
export function openAIFinishReason(reason: FinishReason | null): string {
  if (reason === null || reason === "other") return "stop";
  return reason;
}

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
  /** Extra field (OpenRouter's convention): USD, null when the model is unpriced. */
  cost: number | null;
}

/** OpenAI's prompt_tokens includes cached tokens, as our inputTokens does. */
export function openAIUsage(usage: Usage | null, cost: Cost | null): OpenAIUsage {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: usage?.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    cost: costNumber(cost),
  };
}

export function chatCompletionId(completionId: string): string {
  return `chatcmpl-${completionId}`;
}

/** The non-stream `chat.completion` object. `model` is the served model id (`provider/model`). */
export function chatCompletionBody(completionId: string, outcome: RouteOutcome, created: number): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: outcome.text === "" && outcome.toolCalls.length > 0 ? null : outcome.text,
    refusal: null,
  };
  if (outcome.reasoning !== "") message.reasoning_content = outcome.reasoning;
  if (outcome.toolCalls.length > 0) {
    message.tool_calls = outcome.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: chatCompletionId(completionId),
    object: "chat.completion",
    created,
    model: outcome.model?.id ?? "",
    choices: [{ index: 0, message, logprobs: null, finish_reason: openAIFinishReason(outcome.finishReason) }],
    usage: openAIUsage(outcome.usage, outcome.cost),
  };
}
