import { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { GENERIC_OPENAI_COMPATIBLE_DIALECT, normalizeGenericUsage } from "./generic.mapping.js";

export interface GenericProviderOptions {
  id: string;
  /** What the server's OpenAI SDK base URL is (usually ends in `/v1`); listModels reads `{baseUrl}/models`. */
  baseUrl: string;
  apiKey: string | null;
}

/** Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, Together, OpenRouter...). */
export function createGenericOpenAICompatibleProvider(options: GenericProviderOptions): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    providerId: options.id,
    apiBaseUrl: options.baseUrl,
    apiKey: options.apiKey,
    dialect: GENERIC_OPENAI_COMPATIBLE_DIALECT,
    normalizeUsage: normalizeGenericUsage,
  });
}
