import type { ProviderKind } from "../core/model/catalog.js";

export type EnvProviderId = "openai" | "anthropic" | "google" | "deepseek" | "mistral" | "ollama" | "local";

export interface ProviderEnvConfig {
  id: EnvProviderId;
  kind: ProviderKind;
  baseUrl: string | null;
  apiKey: string | null;
  enabled: boolean;
}

interface ProviderEnvSpec {
  id: Exclude<EnvProviderId, "local">;
  kind: ProviderKind;
  /** Environment variables holding the key, first set wins; empty for keyless providers. */
  keyVariables: string[];
  baseUrlVariables: string[];
  /** The official base URL, as the provider's SDK takes it (SPEC §8). */
  defaultBaseUrl: string | null;
}

/** SPEC §1: one row per environment-configured provider. */
export const PROVIDER_ENV_SPECS: readonly ProviderEnvSpec[] = [
  {
    id: "openai",
    kind: "OPENAI",
    keyVariables: ["OPENAI_API_KEY"],
    baseUrlVariables: ["OPENAI_BASE_URL"],
    defaultBaseUrl: "https://api.openai.com/v1",
  },
  {
    id: "anthropic",
    kind: "ANTHROPIC",
    keyVariables: ["ANTHROPIC_API_KEY"],
    baseUrlVariables: ["ANTHROPIC_BASE_URL"],
    defaultBaseUrl: "https://api.anthropic.com",
  },
  {
    id: "google",
    kind: "GEMINI",
    keyVariables: ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"],
    baseUrlVariables: ["GEMINI_BASE_URL", "GOOGLE_GEMINI_BASE_URL"],
    defaultBaseUrl: "https://generativelanguage.googleapis.com",
  },
  {
    id: "deepseek",
    kind: "OPENAI_COMPATIBLE",
    keyVariables: ["DEEPSEEK_API_KEY"],
    baseUrlVariables: ["DEEPSEEK_BASE_URL"],
    defaultBaseUrl: "https://api.deepseek.com",
  },
  {
    id: "mistral",
    kind: "OPENAI_COMPATIBLE",
    keyVariables: ["MISTRAL_API_KEY"],
    baseUrlVariables: ["MISTRAL_BASE_URL"],
    defaultBaseUrl: "https://api.mistral.ai/v1",
  },
  {
    id: "ollama",
    kind: "OPENAI_COMPATIBLE",
    keyVariables: [],
    baseUrlVariables: ["OLLAMA_BASE_URL"],
    defaultBaseUrl: null,
  },
];

/** A trailing slash would double up when paths are appended. */
export function normalizeBaseUrl(url: string): string {
  return url.replace(/\/+$/, "");
}
