/**
 * Thin, typed access to the two data packages the catalog is seeded from:
 * @pydantic/genai-prices (prices, context windows) and models.dev via tokenlens (capabilities, limits).
 * Nothing here fetches: both packages ship their data inside the package.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { findProvider, type MatchLogic, type ModelInfo } from "@pydantic/genai-prices";
import { anthropicModels } from "tokenlens/providers/anthropic";
import { deepseekModels } from "tokenlens/providers/deepseek";
import { googleModels } from "tokenlens/providers/google";
import { mistralModels } from "tokenlens/providers/mistral";
import { openaiModels } from "tokenlens/providers/openai";

/** The subset of a models.dev entry the catalog reads. */
export interface ModelsDevModel {
  readonly id: string;
  readonly name: string;
  readonly reasoning?: boolean;
  readonly tool_call?: boolean;
  readonly release_date?: string;
  readonly modalities?: { readonly input?: readonly string[]; readonly output?: readonly string[] };
  readonly limit?: { readonly context?: number; readonly output?: number };
}

/** The provider ids the seed covers; genai-prices and models.dev use the same ids for these five. */
export const SEEDED_PROVIDERS = ["openai", "anthropic", "google", "deepseek", "mistral"] as const;
export type SeededProviderId = (typeof SEEDED_PROVIDERS)[number];

export function modelsDevModels(providerId: SeededProviderId): readonly ModelsDevModel[] {
  const byProvider: Record<SeededProviderId, { readonly models: Readonly<Record<string, ModelsDevModel>> }> = {
    openai: openaiModels,
    anthropic: anthropicModels,
    google: googleModels,
    deepseek: deepseekModels,
    mistral: mistralModels,
  };
  return Object.values(byProvider[providerId].models);
}

/** Bundled genai-prices entries of a provider, in the package's (first-match-wins) order. */
export function priceModels(providerId: SeededProviderId): readonly ModelInfo[] {
  return findProvider({ providerId })?.models ?? [];
}

/** Same semantics as genai-prices' own matcher (case-insensitive except regex). */
export function matches(logic: MatchLogic, name: string): boolean {
  const n = name.toLowerCase();
  if ("or" in logic) return logic.or.some((l) => matches(l, name));
  if ("and" in logic) return logic.and.every((l) => matches(l, name));
  if ("equals" in logic) return n === logic.equals.toLowerCase();
  if ("starts_with" in logic) return n.startsWith(logic.starts_with.toLowerCase());
  if ("ends_with" in logic) return n.endsWith(logic.ends_with.toLowerCase());
  if ("contains" in logic) return n.includes(logic.contains.toLowerCase());
  return new RegExp(logic.regex).test(name);
}

/** Every `equals` value in a match expression: the explicit API names the data lists for a model. */
export function equalsValues(logic: MatchLogic): string[] {
  if ("or" in logic) return logic.or.flatMap(equalsValues);
  if ("and" in logic) return [];
  return "equals" in logic ? [logic.equals] : [];
}

function packageVersion(pkg: string): string {
  const require = createRequire(import.meta.url);
  // The packages' export maps hide package.json, so walk up from the resolved entry point.
  let dir = dirname(require.resolve(pkg));
  for (let i = 0; i < 6; i++) {
    try {
      const json: unknown = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      if (typeof json === "object" && json !== null && "name" in json && json.name === pkg && "version" in json) {
        return String(json.version);
      }
    } catch {
      // no package.json at this level; keep walking up
    }
    dir = dirname(dir);
  }
  return "unknown";
}

/** e.g. `genai-prices@0.1.8+tokenlens@1.3.1`: identifies the data a seed was built from. */
export function dataVersion(): string {
  return `genai-prices@${packageVersion("@pydantic/genai-prices")}+tokenlens@${packageVersion("tokenlens")}`;
}
