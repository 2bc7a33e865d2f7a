/**
 * Token usage normalized to one meaning across providers (SPEC §8):
 * - inputTokens: all input tokens, cache reads and writes included;
 * - cachedInputTokens: the cache reads; cacheWriteInputTokens: the cache writes;
 * - outputTokens: all output tokens, reasoning included (reasoningTokens shown apart).
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteInputTokens: number;
  reasoningTokens: number;
  /** REPORTED by the upstream, or ESTIMATED by our tokenizer when the upstream never reported it. */
  source: UsageSource;
}

export type UsageSource = "REPORTED" | "ESTIMATED";

export function emptyUsage(source: UsageSource = "REPORTED"): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0, source };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    cacheWriteInputTokens: a.cacheWriteInputTokens + b.cacheWriteInputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    source: a.source === "ESTIMATED" || b.source === "ESTIMATED" ? "ESTIMATED" : "REPORTED",
  };
}
