import type { Usage } from "../../core/model/usage.js";
import { normalizeDeepSeekUsage } from "../deepseek/deepseek.mapping.js";
import { GENERIC_DIALECT } from "../shared/openai-compatible.adapter.js";
import { asObject } from "../shared/json.js";
import { normalizeOpenAIUsage } from "../shared/openai-compatible.mapping.js";

export const GENERIC_OPENAI_COMPATIBLE_DIALECT = GENERIC_DIALECT;

/** Unknown servers report cache reads either the OpenAI way or the DeepSeek way; accept both. */
export function normalizeGenericUsage(raw: unknown): Usage | null {
  return asObject(raw).prompt_cache_hit_tokens !== undefined ? normalizeDeepSeekUsage(raw) : normalizeOpenAIUsage(raw);
}
