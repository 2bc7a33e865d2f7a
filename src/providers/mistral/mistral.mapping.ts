import type { OpenAICompatibleDialect } from "../shared/openai-compatible.mapping.js";

/**
 * Mistral: `random_seed` instead of `seed`; it sends usage in the last chunk by itself and rejects
 * unknown body fields, so no `stream_options`.
 */
export const MISTRAL_DIALECT: OpenAICompatibleDialect = {
  maxTokensField: "max_tokens",
  streamUsageOption: false,
  seedField: "random_seed",
  jsonSchema: true,
  reasoningEffort: false,
};
