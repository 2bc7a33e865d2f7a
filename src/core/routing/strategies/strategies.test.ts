import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../model/chat-request.js";
import type { Candidate, StrategyContext } from "../candidate.js";
import { createSeededRandom } from "../clock.js";
import { InMemoryStatsStore } from "../in-memory-stats.store.js";
import { catalogModel, price, userRequest } from "../router.test-support.js";
import { STRATEGIES, classifyWorkload } from "./index.js";

function candidates(specs: { id: string; weight?: number; priority?: number; model?: Parameters<typeof catalogModel>[1] }[]): Candidate[] {
  return specs.map((spec, order) => ({ model: catalogModel(spec.id, spec.model), weight: spec.weight ?? 1, priority: spec.priority ?? 0, order }));
}

function context(partial: Partial<StrategyContext> = {}): StrategyContext {
  return { request: userRequest(), promptTokens: 100, expectedOutputTokens: 1024, stats: new InMemoryStatsStore(), random: createSeededRandom(7), ...partial };
}

const ids = (list: Candidate[]) => list.map((candidate) => candidate.model.id);

describe("FALLBACK", () => {
  it("orders by ascending priority, ties in list order", () => {
    const result = STRATEGIES.FALLBACK.order(candidates([{ id: "a/x", priority: 2 }, { id: "b/x", priority: 1 }, { id: "c/x", priority: 2 }, { id: "d/x", priority: 1 }]), context());
    expect(ids(result.ordered)).toEqual(["b/x", "d/x", "a/x", "c/x"]);
  });
});

describe("WEIGHTED", () => {
  it("splits 3:1 within ±2 points over 10,000 picks, others follow as failover", () => {
    const ctx = context({ random: createSeededRandom(42) });
    let first = 0;
    for (let pick = 0; pick < 10_000; pick++) {
      const result = STRATEGIES.WEIGHTED.order(candidates([{ id: "a/x", weight: 3 }, { id: "b/x", weight: 1 }]), ctx);
      expect(result.ordered).toHaveLength(2);
      if (result.ordered[0]?.model.id === "a/x") first++;
    }
    expect(Math.abs(first / 100 - 75)).toBeLessThanOrEqual(2);
  });

  it("never draws a zero-weight target first", () => {
    const ctx = context();
    for (let pick = 0; pick < 200; pick++) {
      expect(STRATEGIES.WEIGHTED.order(candidates([{ id: "a/x", weight: 0 }, { id: "b/x", weight: 1 }]), ctx).ordered[0]?.model.id).toBe("b/x");
    }
  });
});

describe("CHEAPEST", () => {
  it("ranks by expected cost of this request, unpriced last", () => {
    const list = candidates([
      { id: "a/x", model: { pricing: null } },
      { id: "b/x", model: { pricing: price(5, 15) } },
      { id: "c/x", model: { pricing: price(0.15, 0.6) } },
      { id: "d/x", model: { pricing: price(0.1, 10) } },
    ]);
    expect(ids(STRATEGIES.CHEAPEST.order(list, context({ promptTokens: 100, expectedOutputTokens: 1000 })).ordered)).toEqual(["c/x", "d/x", "b/x", "a/x"]);
    // A huge prompt and tiny output favour the cheap-input model.
    expect(STRATEGIES.CHEAPEST.order(list, context({ promptTokens: 100_000, expectedOutputTokens: 10 })).ordered[0]?.model.id).toBe("d/x");
  });
});

describe("FASTEST", () => {
  it("tries unobserved deployments first, then the lowest time to first token", () => {
    const stats = new InMemoryStatsStore();
    stats.record("a/x", { ok: true, latencyMs: 900, timeToFirstTokenMs: 300 });
    stats.record("b/x", { ok: true, latencyMs: 500, timeToFirstTokenMs: 100 });
    const list = () => candidates([{ id: "a/x" }, { id: "b/x" }, { id: "c/x" }]);
    expect(ids(STRATEGIES.FASTEST.order(list(), context({ stats })).ordered)).toEqual(["c/x", "b/x", "a/x"]);
    stats.record("c/x", { ok: true, latencyMs: 400, timeToFirstTokenMs: 200 });
    const random = createSeededRandom(3);
    let best = 0;
    for (let pick = 0; pick < 10_000; pick++) if (STRATEGIES.FASTEST.order(list(), context({ stats, random })).ordered[0]?.model.id === "b/x") best++;
    // ~5% exploration.
    expect(best / 100).toBeGreaterThan(93);
    expect(best / 100).toBeLessThan(97);
  });
});

describe("AUTO", () => {
  const models = () =>
    candidates([
      { id: "openai/gpt-mini", model: { pricing: price(0.15, 0.6), contextWindow: 128_000 } },
      { id: "deepseek/chat", model: { pricing: price(0.07, 1.1), contextWindow: 64_000 } },
      { id: "openai/o-pro", model: { pricing: price(15, 60), contextWindow: 200_000, caps: ["STREAMING", "TOOLS", "REASONING"] } },
      { id: "anthropic/sonnet", model: { pricing: price(3, 15), contextWindow: 200_000, caps: ["STREAMING", "TOOLS", "VISION", "REASONING"] } },
      { id: "google/flash", model: { pricing: price(0.3, 2.5), contextWindow: 1_000_000, caps: ["STREAMING", "TOOLS", "VISION", "LONG_CONTEXT"] } },
    ]);
  const manyTools = Array.from({ length: 8 }, (_, index) => ({ name: `tool${index}`, parameters: {} }));
  const table: { label: string; request: ChatRequest; promptTokens: number; tier: string; model: string }[] = [
    { label: "short question", request: userRequest("what is 2+2?"), promptTokens: 20, tier: "SIMPLE", model: "openai/gpt-mini" },
    { label: "classification with a tool", request: userRequest("tag this", { tools: [{ name: "tag", parameters: {} }] }), promptTokens: 60, tier: "SIMPLE", model: "openai/gpt-mini" },
    { label: "quality hint high", request: userRequest("prove it", { metadata: { quality: "high" } }), promptTokens: 50, tier: "ADVANCED", model: "openai/o-pro" },
    { label: "reasoning effort medium", request: userRequest("plan a migration", { reasoningEffort: "medium" }), promptTokens: 50, tier: "ADVANCED", model: "openai/o-pro" },
    { label: "agentic, 8 tools", request: userRequest("do the task", { tools: manyTools }), promptTokens: 400, tier: "ADVANCED", model: "openai/o-pro" },
    { label: "bulk summarisation of 20k tokens", request: userRequest("summarise"), promptTokens: 20_000, tier: "BULK", model: "deepseek/chat" },
    { label: "bulk by metadata", request: userRequest("rewrite", { metadata: { workload: "bulk" }, maxOutputTokens: 200 }), promptTokens: 5_000, tier: "BULK", model: "deepseek/chat" },
    { label: "long output", request: userRequest("write a book", { maxOutputTokens: 8_000 }), promptTokens: 30, tier: "BULK", model: "openai/gpt-mini" },
    { label: "150k-token document", request: userRequest("find the clause"), promptTokens: 150_000, tier: "LONG_CONTEXT", model: "google/flash" },
  ];
  it.each(table)("$label → $tier → $model", ({ request, promptTokens, tier, model }) => {
    expect(classifyWorkload(request, promptTokens)).toBe(tier);
    const result = STRATEGIES.AUTO.order(models(), context({ request, promptTokens, expectedOutputTokens: request.maxOutputTokens ?? 1024 }));
    expect(result.ordered[0]?.model.id).toBe(model);
    expect(result.ordered).toHaveLength(5);
    expect(result.reason).toMatch(/^auto: /);
  });
});
