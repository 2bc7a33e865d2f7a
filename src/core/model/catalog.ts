/** Catalog value types shared by routing, pricing and the API layers. */

export type ProviderKind = "OPENAI" | "ANTHROPIC" | "GEMINI" | "OPENAI_COMPATIBLE" | "LOCAL";

export type ModelCapability = "STREAMING" | "TOOLS" | "VISION" | "JSON_OUTPUT" | "REASONING" | "LONG_CONTEXT";

/** A price tier: the rates apply when the prompt's input tokens exceed `aboveInputTokens`. */
export interface PriceTier {
  aboveInputTokens: number;
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number;
  cacheWritePerMTok?: number;
}

/** USD per million tokens. Decimal numbers as the data package states them. */
export interface ModelPricing {
  inputPerMTok: number;
  outputPerMTok: number;
  /** Cache-read rate; null when the provider has no cache pricing (then cached reads bill at the input rate). */
  cachedInputPerMTok: number | null;
  cacheWritePerMTok: number | null;
  /** Higher tiers by prompt size (e.g. Gemini / Claude above 200k input tokens). */
  tiers?: PriceTier[];
  /** `catalog@<version>` or `override`. */
  source: string;
}

/** One deployable model: a provider/model pair the router can send a request to. */
export interface CatalogModel {
  /** `provider/model`. */
  id: string;
  providerId: string;
  /** The model name as the provider's API knows it. */
  name: string;
  displayName?: string;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** null: unpriced (flagged, never $0). */
  pricing: ModelPricing | null;
  capabilities: ModelCapability[];
  enabled: boolean;
  /** Built-in local model (never chosen by a route that does not name it). */
  local?: boolean;
}

export interface CatalogProvider {
  id: string;
  name: string;
  kind: ProviderKind;
  baseUrl: string | null;
  enabled: boolean;
  hasCredentials: boolean;
}
