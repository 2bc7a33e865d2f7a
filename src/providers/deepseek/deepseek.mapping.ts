import type { Usage } from "../../core/model/usage.js";
import { asNumber, asObject, isObject } from "../shared/json.js";
import type { OpenAICompatibleDialect } from "../shared/openai-compatible.mapping.js";

/** DeepSeek: max_tokens, JSON mode only (json_schema emulated), no seed. */
export const DEEPSEEK_DIALECT: OpenAICompatibleDialect = {
  maxTokensField: "max_tokens",
  streamUsageOption: true,
  seedField: null,
  jsonSchema: false,
  reasoningEffort: false,
};

/**
 * DeepSeek usage: `prompt_tokens` = `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens`; the hits are
 * the cache reads. deepseek-reasoner counts its chain of thought in completion_tokens and reports it in
 * `completion_tokens_details.reasoning_tokens`.
 */
export function normalizeDeepSeekUsage(raw: unknown): Usage | null {
  if (!isObject(raw)) return null;
  const hits = asNumber(raw.prompt_cache_hit_tokens);
  const misses = asNumber(raw.prompt_cache_miss_tokens);
  const promptTokens = asNumber(raw.prompt_tokens) || hits + misses;
  return {
    inputTokens: promptTokens,
    outputTokens: asNumber(raw.completion_tokens),
    cachedInputTokens: hits || asNumber(asObject(raw.prompt_tokens_details).cached_tokens),
    cacheWriteInputTokens: 0,
    reasoningTokens: asNumber(asObject(raw.completion_tokens_details).reasoning_tokens),
    source: "REPORTED",
  };
}
