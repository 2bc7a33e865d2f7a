import { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { normalizeOpenAIUsage } from "../shared/openai-compatible.mapping.js";
import { MISTRAL_DIALECT } from "./mistral.mapping.js";

export interface MistralProviderOptions {
  id?: string;
  /** Includes `/v1` (SPEC §8). */
  baseUrl: string;
  apiKey: string | null;
}

export function createMistralProvider(options: MistralProviderOptions): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    providerId: options.id ?? "mistral",
    apiBaseUrl: options.baseUrl,
    apiKey: options.apiKey,
    dialect: MISTRAL_DIALECT,
    normalizeUsage: normalizeOpenAIUsage,
  });
}
