import type { OpenAICompatibleDialect } from "../shared/openai-compatible.mapping.js";
import { joinUrl } from "../shared/http-client.js";

/** Ollama's OpenAI-compatible API (include_usage is honoured since 0.5). */
export const OLLAMA_DIALECT: OpenAICompatibleDialect = {
  maxTokensField: "max_tokens",
  streamUsageOption: true,
  seedField: "seed",
  jsonSchema: true,
  reasoningEffort: false,
};

/** OLLAMA_BASE_URL is the server root (`http://host:11434`); its OpenAI-compatible API is under `/v1`. */
export function ollamaApiBaseUrl(baseUrl: string): string {
  return /\/v1\/?$/.test(baseUrl) ? baseUrl : joinUrl(baseUrl, "/v1");
}
