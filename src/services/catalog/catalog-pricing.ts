/**
 * Converts @pydantic/genai-prices price records into our ModelPricing shape.
 * Kept apart from the seed builder so the selection rules (constraints, tiers) are testable alone.
 */
import type { ConditionalPrice, ModelInfo, ModelPrice } from "@pydantic/genai-prices";
import type { ModelPricing, PriceTier } from "../../core/model/index.js";

interface Tiered {
  base: number;
  tiers: readonly { start: number; price: number }[];
}
type PriceValue = number | Tiered | undefined;

function isTiered(v: unknown): v is Tiered {
  return typeof v === "object" && v !== null && "base" in v && "tiers" in v && Array.isArray(v.tiers);
}

function baseOf(v: PriceValue): number | undefined {
  if (v === undefined) return undefined;
  return typeof v === "number" ? v : v.base;
}

/** Rate at a given tier start: the highest tier whose start is <= `start` (genai-prices applies `tokens > start`). */
function rateAt(v: PriceValue, start: number): number | undefined {
  if (v === undefined || typeof v === "number") return v;
  let rate = v.base;
  for (const t of v.tiers) if (t.start <= start) rate = t.price;
  return rate;
}

/**
 * Picks the price set in force at `now`. Start-date constraints are honoured as the package does.
 * Time-of-day alternatives (DeepSeek's off-peak discount) cannot be expressed in a flat ModelPricing,
 * so the highest input rate among them wins: budgets must never under-estimate.
 */
export function activePrices(prices: ModelInfo["prices"], now: Date): ModelPrice {
  if (!Array.isArray(prices)) return prices;
  const list: readonly ConditionalPrice[] = prices;
  const timeOfDay: ModelPrice[] = [];
  let chosen: ModelPrice | undefined;
  for (let i = list.length - 1; i >= 0 && chosen === undefined; i--) {
    const entry = list[i]!;
    const c = entry.constraint;
    if (c === undefined) chosen = entry.prices;
    else if (c.type === "start_date") {
      if (now.getTime() >= new Date(c.start_date).getTime()) chosen = entry.prices;
    } else timeOfDay.push(entry.prices);
  }
  const options = [...timeOfDay, ...(chosen ? [chosen] : [])];
  if (options.length === 0) return list[0]?.prices ?? {};
  return options.reduce((a, b) => ((baseOf(b.input_mtok) ?? 0) > (baseOf(a.input_mtok) ?? 0) ? b : a));
}

/** True when the record prices text tokens (chat models); empty records and per-page/per-hour units are not. */
export function hasTokenPrices(p: ModelPrice): boolean {
  return baseOf(p.input_mtok) !== undefined && baseOf(p.output_mtok) !== undefined;
}

function tiersOf(p: ModelPrice): PriceTier[] {
  const keys = ["input_mtok", "output_mtok", "cache_read_mtok", "cache_write_mtok"] as const;
  const starts = new Set<number>();
  for (const k of keys) {
    const v = p[k];
    if (isTiered(v)) for (const t of v.tiers) starts.add(t.start);
  }
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const tier: PriceTier = {
        aboveInputTokens: start,
        inputPerMTok: rateAt(p.input_mtok, start) ?? 0,
        outputPerMTok: rateAt(p.output_mtok, start) ?? 0,
      };
      const cached = rateAt(p.cache_read_mtok, start);
      const write = rateAt(p.cache_write_mtok, start);
      if (cached !== undefined) tier.cachedInputPerMTok = cached;
      if (write !== undefined) tier.cacheWritePerMTok = write;
      return tier;
    });
}

/** Null when the data has no token price for the model (unpriced is flagged, never $0). */
export function toModelPricing(p: ModelPrice, source: string): ModelPricing | null {
  const input = baseOf(p.input_mtok);
  const output = baseOf(p.output_mtok);
  if (input === undefined || output === undefined) return null;
  const pricing: ModelPricing = {
    inputPerMTok: input,
    outputPerMTok: output,
    cachedInputPerMTok: baseOf(p.cache_read_mtok) ?? null,
    cacheWritePerMTok: baseOf(p.cache_write_mtok) ?? null,
    source,
  };
  const tiers = tiersOf(p);
  if (tiers.length > 0) pricing.tiers = tiers;
  return pricing;
}
