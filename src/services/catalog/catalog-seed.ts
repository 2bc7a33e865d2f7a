/**
 * Builds the seed model catalog from the data packages (never a hand-typed price table):
 * prices and context windows from @pydantic/genai-prices first, capabilities and output limits from
 * models.dev (tokenlens), joined with alias resolution between dated and undated ids.
 */
import type { ModelInfo } from "@pydantic/genai-prices";
import type { CatalogModel, ModelCapability, ModelPricing } from "../../core/model/index.js";
import {
  SEEDED_PROVIDERS,
  dataVersion,
  equalsValues,
  matches,
  modelsDevModels,
  priceModels,
  type ModelsDevModel,
  type SeededProviderId,
} from "./catalog-data.js";
import { activePrices, hasTokenPrices, toModelPricing } from "./catalog-pricing.js";

/** Per-model facts the service indexes but CatalogModel does not carry. */
export interface SeedModelMeta {
  /** Other names the data gives the same model (dated snapshots, `-latest`, vendor spellings). */
  aliases: readonly string[];
  /** True when models.dev lists the model itself (not just its family): a first-party API id. */
  listed: boolean;
  /** models.dev release date (ISO), when known. */
  releasedAt?: string;
}

export interface SeedCatalog {
  /** e.g. `genai-prices@0.1.8+tokenlens@1.3.1`. */
  version: string;
  models: CatalogModel[];
  /** Keyed by model id; optional so hand-built seeds (tests) may omit it. */
  meta?: Readonly<Record<string, SeedModelMeta>>;
}

export const LONG_CONTEXT_TOKENS = 200_000;

/**
 * Names that are not chat-completion models: embeddings, speech, image generation, realtime, OCR,
 * moderation, search/deep-research (Responses-only), legacy completions, fine-tunes, hosted variants
 * (`:free`, `-instruct`) that the first-party API does not serve.
 */
const NON_CHAT =
  /(^|[-.])(embed|embedding|tts|transcribe|whisper|realtime|audio|moderation|image|ocr|live|omni|computer-use|search|deep-research|voxtral)([-.]|$)|^ft:|\.ft-|^(ada|babbage|curie|davinci|text-)|instruct|:/;

/** Price units that only media-generation / document models have. */
const NON_CHAT_UNITS = ["output_audio_mtok", "output_image_mtok", "output_video_mtok", "audio_hours", "input_document_kpages"];

/** genai-prices' `google` also prices Claude on Vertex; the Gemini API serves only these families. */
const PROVIDER_FAMILY: Partial<Record<SeededProviderId, RegExp>> = { google: /^(gemini|gemma)-/ };

function isChatEntry(providerId: SeededProviderId, m: ModelInfo, now: Date): boolean {
  if (m.deprecated === true || NON_CHAT.test(m.id)) return false;
  const family = PROVIDER_FAMILY[providerId];
  if (family && !family.test(m.id)) return false;
  const prices = activePrices(m.prices, now);
  if (NON_CHAT_UNITS.some((u) => prices[u] !== undefined)) return false;
  // An empty record means "price unknown" (kept, unpriced); any other record must price tokens.
  return Object.keys(prices).length === 0 || hasTokenPrices(prices);
}

const newestFirst = (a: ModelsDevModel, b: ModelsDevModel): number =>
  (b.release_date ?? "").localeCompare(a.release_date ?? "");

/** models.dev entries attributed to each price entry: exact id first, then the first entry whose match fits. */
function attribute(entries: readonly ModelInfo[], dev: readonly ModelsDevModel[]): Map<string, ModelsDevModel[]> {
  const out = new Map<string, ModelsDevModel[]>();
  const byId = new Map(entries.map((e) => [e.id.toLowerCase(), e]));
  for (const d of dev) {
    const entry = byId.get(d.id.toLowerCase()) ?? entries.find((e) => matches(e.match, d.id));
    if (!entry) continue;
    const list = out.get(entry.id) ?? [];
    list.push(d);
    out.set(entry.id, list);
  }
  for (const list of out.values()) list.sort(newestFirst);
  return out;
}

/**
 * The name sent to the provider's API, in order of preference: the entry id when models.dev lists it;
 * the newest `equals` name models.dev lists; the entry id when it is an explicit `equals` name; the
 * newest models.dev id the entry matches (e.g. a dated Anthropic id); the entry id when it matches itself.
 */
function apiName(entry: ModelInfo, dev: readonly ModelsDevModel[]): string | undefined {
  const devIds = new Set(dev.map((d) => d.id));
  if (devIds.has(entry.id)) return entry.id;
  const eq = equalsValues(entry.match);
  const listedEq = dev.find((d) => eq.includes(d.id));
  if (listedEq) return listedEq.id;
  if (eq.includes(entry.id)) return entry.id;
  if (dev[0]) return dev[0].id;
  if (matches(entry.match, entry.id)) return entry.id;
  return eq[0];
}

/** Family key: the id's words without versions, dates and release-stage words (`claude-3-5-haiku` → `claude haiku`). */
export function familyKey(id: string): string {
  return id
    .toLowerCase()
    .split(/[-_.@]/)
    .filter((w) => w !== "" && !/^\d+$/.test(w) && !["latest", "preview", "exp", "chat"].includes(w))
    .sort()
    .join(" ");
}

/** Generation number of an id (`claude-3-5-haiku` → 3.5, `gpt-4o` → 4); 0 when the id has none. */
export function generation(id: string): number {
  const m = /(\d+)(?:[.-](\d)(?!\d))?/.exec(id);
  return m ? Number(`${m[1]}.${m[2] ?? "0"}`) : 0;
}

/**
 * The models.dev sibling a model without its own entry inherits capabilities from: same family, newest
 * release not newer than the model (capabilities grow across generations; an old model must not
 * inherit a newer sibling's tools or vision). Output limits are never inherited.
 */
function familySource(name: string, dev: readonly ModelsDevModel[]): ModelsDevModel | undefined {
  const key = familyKey(name);
  const gen = generation(name);
  return [...dev].sort(newestFirst).find((d) => familyKey(d.id) === key && generation(d.id) <= gen);
}

function capabilities(src: ModelsDevModel | undefined, contextWindow: number | null): ModelCapability[] {
  const caps: ModelCapability[] = ["STREAMING"];
  if (src?.tool_call) caps.push("TOOLS");
  if (src?.modalities?.input?.includes("image")) caps.push("VISION");
  // All five seeded providers offer a JSON mode to models with function calling (Anthropic via a
  // forced tool call), and models.dev has no separate structured-output flag, so TOOLS implies it.
  if (src?.tool_call) caps.push("JSON_OUTPUT");
  if (src?.reasoning) caps.push("REASONING");
  if (contextWindow !== null && contextWindow >= LONG_CONTEXT_TOKENS) caps.push("LONG_CONTEXT");
  return caps;
}

interface ProviderSeed {
  models: CatalogModel[];
  meta: Record<string, SeedModelMeta>;
}

function seedProvider(providerId: SeededProviderId, now: Date, source: string): ProviderSeed {
  const entries = priceModels(providerId);
  const dev = modelsDevModels(providerId);
  const attributed = attribute(entries, dev);
  const out: ProviderSeed = { models: [], meta: {} };
  const add = (m: CatalogModel, meta: SeedModelMeta): void => {
    if (out.meta[m.id]) return; // first entry wins, as in genai-prices' own matching
    out.models.push(m);
    out.meta[m.id] = meta;
  };

  for (const entry of entries) {
    if (!isChatEntry(providerId, entry, now)) continue;
    const devs = attributed.get(entry.id) ?? [];
    const name = apiName(entry, devs);
    if (!name) continue;
    const direct = devs.find((d) => d.id === name) ?? devs[0];
    const capSource = direct ?? familySource(name, dev);
    const contextWindow = entry.context_window ?? direct?.limit?.context ?? null;
    const pricing: ModelPricing | null = toModelPricing(activePrices(entry.prices, now), source);
    const aliases = new Set([entry.id, ...equalsValues(entry.match), ...devs.map((d) => d.id)]);
    aliases.delete(name);
    add(
      {
        id: `${providerId}/${name}`,
        providerId,
        name,
        displayName: direct?.name ?? entry.name ?? name,
        contextWindow,
        maxOutputTokens: direct?.limit?.output ?? null,
        pricing,
        capabilities: capabilities(capSource, contextWindow),
        enabled: true,
      },
      { aliases: [...aliases], listed: direct !== undefined, releasedAt: direct?.release_date },
    );
  }

  // models.dev models the price data does not know at all: real API ids, unpriced (null, never $0).
  const known = new Set([...attributed.values()].flat().map((d) => d.id));
  for (const d of dev) {
    if (known.has(d.id) || NON_CHAT.test(d.id)) continue;
    const contextWindow = d.limit?.context ?? null;
    add(
      {
        id: `${providerId}/${d.id}`,
        providerId,
        name: d.id,
        displayName: d.name,
        contextWindow,
        maxOutputTokens: d.limit?.output ?? null,
        pricing: null,
        capabilities: capabilities(d, contextWindow),
        enabled: true,
      },
      { aliases: [], listed: true, releasedAt: d.release_date },
    );
  }
  return out;
}

/** Built-in `local` models: deterministic, offline, and genuinely free. */
export function localModels(): CatalogModel[] {
  const free: ModelPricing = { inputPerMTok: 0, outputPerMTok: 0, cachedInputPerMTok: 0, cacheWritePerMTok: 0, source: "local" };
  const make = (name: string, displayName: string): CatalogModel => ({
    id: `local/${name}`,
    providerId: "local",
    name,
    displayName,
    contextWindow: 128_000,
    maxOutputTokens: 8_192,
    pricing: { ...free },
    capabilities: ["STREAMING"],
    enabled: true,
    local: true,
  });
  return [make("echo", "Local echo"), make("lorem", "Local lorem")];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Builds a fresh seed with prices in force at `now` (start-dated price changes in the data). */
export function createSeedCatalog(options: { now?: Date } = {}): SeedCatalog {
  const now = options.now ?? new Date();
  const version = dataVersion();
  const source = `catalog@${version}`;
  const models: CatalogModel[] = [];
  const meta: Record<string, SeedModelMeta> = {};
  for (const providerId of SEEDED_PROVIDERS) {
    const seed = seedProvider(providerId, now, source);
    models.push(...seed.models);
    Object.assign(meta, seed.meta);
  }
  for (const m of localModels()) {
    models.push(m);
    meta[m.id] = { aliases: [], listed: false };
  }
  return deepFreeze({ version, models, meta });
}

/**
 * The seed for this process, built once (the data is immutable, shipped inside the packages) and
 * deep-frozen, so sharing it is safe. Use createSeedCatalog for a specific date.
 */
export const buildSeedCatalog: () => SeedCatalog = (() => {
  let seed: SeedCatalog | undefined;
  return () => (seed ??= createSeedCatalog());
})();
