import type { ModelPricing } from "../model/catalog.js";
import type { Usage } from "../model/usage.js";
import { formatPicoUsd, ratePicoPerToken } from "./money.js";

/** The cost of one request, decimal USD strings with 12 fraction digits. */
export interface Cost {
  totalUsd: string;
  inputUsd: string;
  outputUsd: string;
  cachedInputUsd: string;
  cacheWriteUsd: string;
  /** `catalog@<version>` or `override`. */
  priceSource: string;
}

/** The rates that apply to one request, in pico-USD per token. */
interface Rates {
  input: bigint;
  output: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
}

/**
 * Rates for a prompt of `inputTokens`: the highest tier whose threshold the prompt exceeds, else the
 * base prices. A missing cache rate bills at the input rate of the same tier (no discount we cannot
 * prove).
 */
export function ratesFor(pricing: ModelPricing, inputTokens: number): Rates {
  let input = pricing.inputPerMTok;
  let output = pricing.outputPerMTok;
  let cached: number | null | undefined = pricing.cachedInputPerMTok;
  let write: number | null | undefined = pricing.cacheWritePerMTok;
  let threshold = -1;
  for (const tier of pricing.tiers ?? []) {
    if (inputTokens > tier.aboveInputTokens && tier.aboveInputTokens > threshold) {
      threshold = tier.aboveInputTokens;
      input = tier.inputPerMTok;
      output = tier.outputPerMTok;
      cached = tier.cachedInputPerMTok;
      write = tier.cacheWritePerMTok;
    }
  }
  const inputRate = ratePicoPerToken(input);
  return {
    input: inputRate,
    output: ratePicoPerToken(output),
    cachedInput: cached === null || cached === undefined ? inputRate : ratePicoPerToken(cached),
    cacheWrite: write === null || write === undefined ? inputRate : ratePicoPerToken(write),
  };
}

function tokens(value: number): bigint {
  return BigInt(Math.max(0, Math.trunc(value)));
}

/**
 * Cost = price × usage, exact. `null` means unpriced: the caller flags it, never records $0.
 * Usage follows SPEC §8: inputTokens includes cache reads and writes; outputTokens includes reasoning.
 */
export function computeCost(usage: Usage, pricing: ModelPricing | null): Cost | null {
  if (pricing === null) return null;
  const rates = ratesFor(pricing, usage.inputTokens);
  const cachedTokens = tokens(usage.cachedInputTokens);
  const writeTokens = tokens(usage.cacheWriteInputTokens);
  let plainTokens = tokens(usage.inputTokens) - cachedTokens - writeTokens;
  if (plainTokens < 0n) plainTokens = 0n;
  const input = plainTokens * rates.input;
  const cachedInput = cachedTokens * rates.cachedInput;
  const cacheWrite = writeTokens * rates.cacheWrite;
  const output = tokens(usage.outputTokens) * rates.output;
  return {
    totalUsd: formatPicoUsd(input + cachedInput + cacheWrite + output),
    inputUsd: formatPicoUsd(input),
    outputUsd: formatPicoUsd(output),
    cachedInputUsd: formatPicoUsd(cachedInput),
    cacheWriteUsd: formatPicoUsd(cacheWrite),
    priceSource: pricing.source,
  };
}

/** Largest cost of a request, for budget reservations: the whole prompt uncached, all of `maxOutputTokens`. */
export function estimateMaxCost(promptTokens: number, maxOutputTokens: number, pricing: ModelPricing | null): Cost | null {
  return computeCost(
    {
      inputTokens: promptTokens,
      outputTokens: maxOutputTokens,
      cachedInputTokens: 0,
      cacheWriteInputTokens: 0,
      reasoningTokens: 0,
      source: "ESTIMATED",
    },
    pricing,
  );
}

/**
 * Expected cost as a plain number of USD, for ranking candidates only (CHEAPEST, AUTO); Infinity when
 * unpriced so unpriced models rank last.
 */
export function expectedCostForRanking(pricing: ModelPricing | null, promptTokens: number, outputTokens: number): number {
  if (pricing === null) return Number.POSITIVE_INFINITY;
  let input = pricing.inputPerMTok;
  let output = pricing.outputPerMTok;
  let threshold = -1;
  if (pricing.tiers) {
    for (const tier of pricing.tiers) {
      if (promptTokens > tier.aboveInputTokens && tier.aboveInputTokens > threshold) {
        threshold = tier.aboveInputTokens;
        input = tier.inputPerMTok;
        output = tier.outputPerMTok;
      }
    }
  }
  return (input * promptTokens + output * outputTokens) / 1e6;
}
