import type { ProviderEnvConfig } from "../config/config.js";
import type { CatalogProvider } from "../core/model/index.js";
import type { CatalogReader } from "../graphql/context.js";
import type { CatalogService } from "../services/catalog/catalog.service.js";

const PROVIDER_NAMES: Record<ProviderEnvConfig["id"], string> = {
  openai: "OpenAI",
  anthropic: "Anthropic",
  google: "Google Gemini",
  deepseek: "DeepSeek",
  mistral: "Mistral",
  ollama: "Ollama",
  local: "Local (built in, offline)",
};

/** The environment-configured providers as catalog providers (the key itself stays in config). */
export function catalogProvidersFromConfig(providers: readonly ProviderEnvConfig[]): CatalogProvider[] {
  return providers.map((provider) => ({
    id: provider.id,
    name: PROVIDER_NAMES[provider.id],
    kind: provider.kind,
    baseUrl: provider.baseUrl,
    enabled: provider.enabled,
    hasCredentials: provider.apiKey !== null,
  }));
}

/** Adapts the in-memory CatalogService to what the GraphQL resolvers read. */
export function catalogReader(catalog: CatalogService): CatalogReader {
  return {
    listProviders: async () => [...catalog.providers()],
    listModels: async (filter) => catalog.models(filter),
    getModels: async (ids) => catalog.modelsByIds(ids),
    getProviders: async (ids) => ids.map((id) => catalog.provider(id)),
  };
}
