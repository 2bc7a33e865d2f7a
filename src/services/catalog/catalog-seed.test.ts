import { describe, expect, it } from "vitest";
import { buildSeedCatalog, createSeedCatalog, familyKey, generation } from "./catalog-seed.js";

const seed = buildSeedCatalog();
const byId = new Map(seed.models.map((m) => [m.id, m]));
const get = (id: string) => {
  const m = byId.get(id);
  if (!m) throw new Error(`missing ${id}`);
  return m;
};

describe("buildSeedCatalog (real package data)", () => {
  it("names the data versions and prices from genai-prices", () => {
    expect(seed.version).toMatch(/^genai-prices@0\.1\.8\+tokenlens@1\.3\.1$/);
    const mini = get("openai/gpt-4o-mini");
    expect(mini.pricing).toMatchObject({ inputPerMTok: 0.15, outputPerMTok: 0.6, source: `catalog@${seed.version}` });
    expect(mini.contextWindow).toBe(128_000);
    expect(mini.maxOutputTokens).toBe(16_384);
    expect(mini.capabilities).toEqual(expect.arrayContaining(["STREAMING", "TOOLS", "VISION", "JSON_OUTPUT"]));
    expect(mini.capabilities).not.toContain("REASONING");
  });

  it("maps claude-sonnet-4-5 cache rates and the >200k tier, capabilities via the dated sibling", () => {
    const sonnet = get("anthropic/claude-sonnet-4-5");
    expect(sonnet.pricing).toMatchObject({ inputPerMTok: 3, outputPerMTok: 15, cachedInputPerMTok: 0.3, cacheWritePerMTok: 3.75 });
    expect(sonnet.pricing?.tiers).toEqual([
      { aboveInputTokens: 200_000, inputPerMTok: 6, outputPerMTok: 22.5, cachedInputPerMTok: 0.6, cacheWritePerMTok: 7.5 },
    ]);
    expect(sonnet.contextWindow).toBe(200_000);
    expect(sonnet.capabilities).toEqual(expect.arrayContaining(["TOOLS", "VISION", "REASONING", "LONG_CONTEXT"]));
    // The dated models.dev id and the undated alias describe one model.
    expect(seed.meta?.["anthropic/claude-sonnet-4-20250514"]?.aliases).toContain("claude-sonnet-4-0");
  });

  it("prices the well-known models of every provider and has context windows", () => {
    for (const id of [
      "openai/gpt-4o", "openai/gpt-4.1", "openai/gpt-4.1-mini", "openai/o3", "openai/o3-mini",
      "anthropic/claude-haiku-4-5", "anthropic/claude-opus-4-1-20250805",
      "google/gemini-2.5-flash", "google/gemini-2.5-pro",
      "deepseek/deepseek-chat", "deepseek/deepseek-reasoner",
      "mistral/mistral-large-latest", "mistral/mistral-small-latest",
    ]) {
      const m = get(id);
      expect(m.pricing, id).not.toBeNull();
      expect(m.pricing!.inputPerMTok, id).toBeGreaterThan(0);
      expect(m.contextWindow, id).toBeGreaterThan(0);
      expect(m.capabilities, id).toContain("STREAMING");
    }
    expect(get("google/gemini-2.5-flash").pricing).toMatchObject({ inputPerMTok: 0.3, outputPerMTok: 2.5 });
    expect(get("google/gemini-2.5-pro").pricing?.tiers?.[0]?.aboveInputTokens).toBe(200_000);
    expect(get("mistral/mistral-large-latest").pricing).toMatchObject({ inputPerMTok: 2, outputPerMTok: 6 });
    expect(get("deepseek/deepseek-reasoner").capabilities).toContain("REASONING");
  });

  it("keeps a model the price data does not know unpriced (null, never 0)", () => {
    const m = get("mistral/devstral-medium-2507");
    expect(m.pricing).toBeNull();
    expect(m.contextWindow).toBe(128_000);
    expect(seed.models.some((x) => x.pricing?.inputPerMTok === 0 && !x.local)).toBe(false);
  });

  it("skips embeddings, speech, image, realtime, fine-tune and deprecated entries", () => {
    for (const id of [
      "openai/text-embedding-3-small", "openai/gpt-4o-mini-tts", "openai/whisper-1", "openai/gpt-image-1",
      "openai/gpt-4o-realtime-preview", "openai/ft:gpt-4o-mini", "openai/moderation", "mistral/mistral-embed",
      "google/gemini-2.5-flash-preview", "mistral/devstral-small", "google/claude-4-sonnet",
    ]) {
      expect(byId.has(id), id).toBe(false);
    }
  });

  it("includes the free built-in local models", () => {
    for (const id of ["local/echo", "local/lorem"]) {
      const m = get(id);
      expect(m).toMatchObject({ providerId: "local", local: true, contextWindow: 128_000, capabilities: ["STREAMING"] });
      expect(m.pricing).toMatchObject({ inputPerMTok: 0, outputPerMTok: 0, source: "local" });
    }
  });

  it("applies start-dated prices as of the build date", () => {
    const before = createSeedCatalog({ now: new Date("2025-06-01T00:00:00Z") });
    const after = createSeedCatalog({ now: new Date("2025-07-01T00:00:00Z") });
    const o3 = (s: typeof before) => s.models.find((m) => m.id === "openai/o3")?.pricing?.inputPerMTok;
    expect(o3(before)).toBe(10);
    expect(o3(after)).toBe(2);
  });

  it("is memoized, frozen and fast to build", () => {
    expect(buildSeedCatalog()).toBe(seed);
    expect(Object.isFrozen(seed.models[0])).toBe(true);
    const t0 = performance.now();
    createSeedCatalog();
    const fresh = performance.now() - t0;
    const t1 = performance.now();
    buildSeedCatalog();
    const memo = performance.now() - t1;
    expect(fresh).toBeLessThan(200);
    expect(memo).toBeLessThan(1);
  });

  it("derives family and generation from ids", () => {
    expect(familyKey("claude-3-5-haiku-20241022")).toBe(familyKey("claude-haiku-4-5"));
    expect(generation("claude-haiku-4-5")).toBe(4.5);
    expect(generation("claude-sonnet-4-20250514")).toBe(4);
    expect(generation("gpt-3.5-turbo")).toBe(3.5);
  });
});
