import { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { DEEPSEEK_DIALECT, normalizeDeepSeekUsage } from "./deepseek.mapping.js";

export interface DeepSeekProviderOptions {
  id?: string;
  /** The OpenAI-compatible root without `/v1` (SPEC §8): requests go to `{baseUrl}/chat/completions`. */
  baseUrl: string;
  apiKey: string | null;
}

export function createDeepSeekProvider(options: DeepSeekProviderOptions): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    providerId: options.id ?? "deepseek",
    apiBaseUrl: options.baseUrl,
    apiKey: options.apiKey,
    dialect: DEEPSEEK_DIALECT,
    normalizeUsage: normalizeDeepSeekUsage,
  });
}
