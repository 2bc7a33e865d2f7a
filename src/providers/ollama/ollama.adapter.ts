import { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { normalizeOpenAIUsage } from "../shared/openai-compatible.mapping.js";
import { OLLAMA_DIALECT, ollamaApiBaseUrl } from "./ollama.mapping.js";

export interface OllamaProviderOptions {
  id?: string;
  /** Server root, e.g. `http://127.0.0.1:11434`. */
  baseUrl: string;
}

/** No key; listModels reads GET {base}/v1/models. */
export function createOllamaProvider(options: OllamaProviderOptions): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    providerId: options.id ?? "ollama",
    apiBaseUrl: ollamaApiBaseUrl(options.baseUrl),
    apiKey: null,
    dialect: OLLAMA_DIALECT,
    normalizeUsage: normalizeOpenAIUsage,
  });
}
