import { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { normalizeOpenAIUsage } from "../shared/openai-compatible.mapping.js";
import { OPENAI_DIALECT } from "./openai.mapping.js";

export interface OpenAIProviderOptions {
  id?: string;
  /** Includes `/v1`, as the official SDK's baseURL. */
  baseUrl: string;
  apiKey: string | null;
}

export function createOpenAIProvider(options: OpenAIProviderOptions): OpenAICompatibleProvider {
  return new OpenAICompatibleProvider({
    providerId: options.id ?? "openai",
    apiBaseUrl: options.baseUrl,
    apiKey: options.apiKey,
    dialect: OPENAI_DIALECT,
    normalizeUsage: normalizeOpenAIUsage,
  });
}
