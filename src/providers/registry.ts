import type { ProviderKind } from "../core/model/catalog.js";
import type { ProviderAdapter } from "../core/ports/language-model.js";
import { createAnthropicProvider } from "./anthropic/anthropic.adapter.js";
import { createDeepSeekProvider } from "./deepseek/deepseek.adapter.js";
import { createGenericOpenAICompatibleProvider } from "./generic/generic.adapter.js";
import { createGoogleProvider } from "./google/google.adapter.js";
import { createLocalProvider } from "./local/local.adapter.js";
import { createMistralProvider } from "./mistral/mistral.adapter.js";
import { createOllamaProvider } from "./ollama/ollama.adapter.js";
import { createOpenAIProvider } from "./openai/openai.adapter.js";

/** The one place that lists providers. Adding one adds a folder and a line in each table below. */
export type ProviderId = "openai" | "anthropic" | "google" | "deepseek" | "mistral" | "ollama" | "local";

export const PROVIDER_IDS: readonly ProviderId[] = ["openai", "anthropic", "google", "deepseek", "mistral", "ollama", "local"];

export function isProviderId(value: string): value is ProviderId {
  return (PROVIDER_IDS as readonly string[]).includes(value);
}

export interface ProviderConfig {
  id: string;
  kind: ProviderKind;
  /** null: DEFAULT_BASE_URLS[id] (the official endpoint). Same meaning as the SPEC §1 env var. */
  baseUrl: string | null;
  apiKey: string | null;
  name?: string;
  /** `local` only: pause between streamed tokens. */
  localTokenDelayMs?: number;
}

/** Official base URLs, in the form each provider's SDK (and SPEC §8) takes them. */
export const DEFAULT_BASE_URLS: Record<ProviderId, string | null> = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com",
  google: "https://generativelanguage.googleapis.com",
  deepseek: "https://api.deepseek.com",
  mistral: "https://api.mistral.ai/v1",
  ollama: "http://127.0.0.1:11434",
  local: null,
};

export const DEFAULT_PROVIDER_KINDS: Record<ProviderId, ProviderKind> = {
  openai: "OPENAI",
  anthropic: "ANTHROPIC",
  google: "GEMINI",
  deepseek: "OPENAI_COMPATIBLE",
  mistral: "OPENAI_COMPATIBLE",
  ollama: "OPENAI_COMPATIBLE",
  local: "LOCAL",
};

export const PROVIDER_DISPLAY_NAMES: Record<ProviderId, string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google Gemini",
  deepseek: "DeepSeek",
  mistral: "Mistral",
  ollama: "Ollama",
  local: "Local (built-in)",
};

type Factory = (config: ProviderConfig, baseUrl: string) => ProviderAdapter;

const FACTORIES: Record<ProviderId, Factory> = {
  openai: (config, baseUrl) => createOpenAIProvider({ id: config.id, baseUrl, apiKey: config.apiKey }),
  anthropic: (config, baseUrl) => createAnthropicProvider({ id: config.id, baseUrl, apiKey: config.apiKey }),
  google: (config, baseUrl) => createGoogleProvider({ id: config.id, baseUrl, apiKey: config.apiKey }),
  deepseek: (config, baseUrl) => createDeepSeekProvider({ id: config.id, baseUrl, apiKey: config.apiKey }),
  mistral: (config, baseUrl) => createMistralProvider({ id: config.id, baseUrl, apiKey: config.apiKey }),
  ollama: (config, baseUrl) => createOllamaProvider({ id: config.id, baseUrl }),
  local: (config) => createLocalProvider({ id: config.id, tokenDelayMs: config.localTokenDelayMs }),
};

/** For any id: the wire protocol follows the kind. */
const FACTORY_BY_KIND: Record<ProviderKind, ProviderId | "generic"> = {
  OPENAI: "openai",
  ANTHROPIC: "anthropic",
  GEMINI: "google",
  OPENAI_COMPATIBLE: "generic",
  LOCAL: "local",
};

/**
 * A built-in id with its own kind gets its own adapter (DeepSeek's usage fields, Mistral's seed...);
 * anything else is dispatched by kind, OPENAI_COMPATIBLE with any other id → the generic base.
 */
export function createProviderAdapter(config: ProviderConfig): ProviderAdapter {
  const builtIn = isProviderId(config.id) && DEFAULT_PROVIDER_KINDS[config.id] === config.kind ? config.id : null;
  const target = builtIn ?? FACTORY_BY_KIND[config.kind];
  const baseUrl = config.baseUrl ?? (builtIn ? DEFAULT_BASE_URLS[builtIn] : null);
  if (target === "local") return FACTORIES.local(config, "");
  if (!baseUrl) throw new Error(`Provider ${config.id} (${config.kind}) needs a base URL`);
  if (target === "generic") return createGenericOpenAICompatibleProvider({ id: config.id, baseUrl, apiKey: config.apiKey });
  return FACTORIES[target](config, baseUrl);
}
