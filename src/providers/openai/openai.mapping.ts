import type { OpenAICompatibleDialect } from "../shared/openai-compatible.mapping.js";

/** OpenAI chat completions: `max_completion_tokens` (required by o-series models), native json_schema. */
export const OPENAI_DIALECT: OpenAICompatibleDialect = {
  maxTokensField: "max_completion_tokens",
  streamUsageOption: true,
  seedField: "seed",
  jsonSchema: true,
  reasoningEffort: true,
};
