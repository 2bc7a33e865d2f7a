import { describe, expect, it } from "vitest";
import type { ModelPricing } from "../model/catalog.js";
import type { Usage } from "../model/usage.js";
import { computeCost, estimateMaxCost, expectedCostForRanking } from "./cost.js";
import { formatPicoUsd, parseUsd, sumUsd, usdToNumber } from "./money.js";

function usage(partial: Partial<Usage>): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0, source: "REPORTED", ...partial };
}

const gpt4oMini: ModelPricing = { inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, cacheWritePerMTok: null, source: "catalog@1" };
const sonnet: ModelPricing = { inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75, source: "catalog@1" };
const geminiPro: ModelPricing = {
  inputPerMTok: 1.25,
  outputPerMTok: 10,
  cachedInputPerMTok: 0.31,
  cacheWritePerMTok: null,
  tiers: [{ aboveInputTokens: 200_000, inputPerMTok: 2.5, outputPerMTok: 15, cachedInputPerMTok: 0.625 }],
  source: "override",
};

describe("computeCost", () => {
  it("OpenAI: cached reads at the cached rate, reasoning inside output", () => {
    const cost = computeCost(usage({ inputTokens: 1234, cachedInputTokens: 1024, outputTokens: 77, reasoningTokens: 20 }), gpt4oMini);
    expect(cost).toEqual({
      inputUsd: "0.000031500000", // 210 × 0.15 / 1e6
      cachedInputUsd: "0.000076800000", // 1024 × 0.075 / 1e6
      cacheWriteUsd: "0.000000000000",
      outputUsd: "0.000046200000", // 77 × 0.6 / 1e6
      totalUsd: "0.000154500000",
      priceSource: "catalog@1",
    });
    expect(Math.abs(usdToNumber(cost!.totalUsd) - 0.0001545)).toBeLessThan(1e-9);
  });

  it("Anthropic: cache read and cache write at their own rates, counted inside inputTokens", () => {
    const cost = computeCost(usage({ inputTokens: 3600, cachedInputTokens: 2000, cacheWriteInputTokens: 1500, outputTokens: 250 }), sonnet);
    expect(cost?.inputUsd).toBe("0.000300000000");
    expect(cost?.cachedInputUsd).toBe("0.000600000000");
    expect(cost?.cacheWriteUsd).toBe("0.005625000000");
    expect(cost?.outputUsd).toBe("0.003750000000");
    expect(cost?.totalUsd).toBe("0.010275000000");
  });

  it("Gemini: the tier is chosen by the prompt's input tokens", () => {
    expect(computeCost(usage({ inputTokens: 100_000, outputTokens: 1000 }), geminiPro)?.totalUsd).toBe("0.135000000000");
    const above = computeCost(usage({ inputTokens: 250_000, cachedInputTokens: 50_000, outputTokens: 1000 }), geminiPro);
    expect(above?.inputUsd).toBe("0.500000000000"); // 200,000 × 2.5
    expect(above?.cachedInputUsd).toBe("0.031250000000"); // 50,000 × 0.625
    expect(above?.outputUsd).toBe("0.015000000000");
    expect(above?.totalUsd).toBe("0.546250000000");
    expect(above?.priceSource).toBe("override");
  });

  it("missing cache rates bill at the input rate", () => {
    const noCache: ModelPricing = { inputPerMTok: 2, outputPerMTok: 4, cachedInputPerMTok: null, cacheWritePerMTok: null, source: "catalog@1" };
    const cost = computeCost(usage({ inputTokens: 10, cachedInputTokens: 3, cacheWriteInputTokens: 2, outputTokens: 1 }), noCache);
    expect(cost?.totalUsd).toBe("0.000024000000");
  });

  it("unpriced models give null, never zero", () => {
    expect(computeCost(usage({ inputTokens: 10, outputTokens: 10 }), null)).toBeNull();
    expect(estimateMaxCost(10, 10, null)).toBeNull();
  });

  it("sums of many tiny costs stay exact", () => {
    let total = "0";
    for (let index = 0; index < 1000; index++) total = sumUsd(total, computeCost(usage({ inputTokens: 1 }), gpt4oMini)!.totalUsd);
    expect(total).toBe("0.000150000000");
    expect(sumUsd("0.1", "0.2")).toBe("0.300000000000");
  });

  it("estimateMaxCost prices the whole prompt uncached plus all output", () => {
    expect(estimateMaxCost(1000, 1024, sonnet)?.totalUsd).toBe("0.018360000000");
    expect(expectedCostForRanking(sonnet, 1000, 1024)).toBeCloseTo(0.01836, 12);
    expect(expectedCostForRanking(null, 1, 1)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("money", () => {
  it("formats and parses pico-USD", () => {
    expect(formatPicoUsd(-1_500_000n)).toBe("-0.000001500000");
    expect(parseUsd("12.5")).toBe(12_500_000_000_000n);
    expect(() => parseUsd("1e-3")).toThrow(RangeError);
  });
});
