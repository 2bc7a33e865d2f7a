import { describe, expect, it } from "vitest";
import type { CatalogProvider } from "../../core/model/index.js";
import { buildSeedCatalog } from "./catalog-seed.js";
import { CatalogService } from "./catalog.service.js";

const provider = (id: string, kind: CatalogProvider["kind"], enabled = true): CatalogProvider => ({
  id, name: id, kind, baseUrl: null, enabled, hasCredentials: kind !== "LOCAL",
});
const all = (): CatalogProvider[] => [
  provider("openai", "OPENAI"), provider("anthropic", "ANTHROPIC"), provider("google", "GEMINI"),
  provider("deepseek", "OPENAI_COMPATIBLE"), provider("mistral", "OPENAI_COMPATIBLE"), provider("local", "LOCAL"),
];
const service = (providers = all()) => new CatalogService({ seed: buildSeedCatalog(), providers });

describe("CatalogService", () => {
  it("exposes providers, version and O(1) lookups", () => {
    const c = service();
    expect(c.version).toBe(buildSeedCatalog().version);
    expect(c.providers().map((p) => p.id)).toContain("openai");
    expect(c.provider("nope")).toBeNull();
    expect(c.model("openai/gpt-4o-mini")?.pricing?.inputPerMTok).toBe(0.15);
    expect(c.model("openai/unknown")).toBeNull();
    expect(c.modelsByIds(["openai/gpt-4o", "x/y", "local/echo"]).map((m) => m?.id ?? null)).toEqual([
      "openai/gpt-4o", null, "local/echo",
    ]);
  });

  it("resolves bare names, aliases and dated ids", () => {
    const c = service();
    expect(c.modelsByName("gpt-4o-mini").map((m) => m.id)).toEqual(["openai/gpt-4o-mini"]);
    expect(c.modelsByName("gpt-4o-mini-2024-07-18").map((m) => m.id)).toEqual(["openai/gpt-4o-mini"]);
    expect(c.modelsByName("claude-sonnet-4-0").map((m) => m.id)).toEqual(["anthropic/claude-sonnet-4-20250514"]);
    // A dated id the data does not list falls back to its undated name.
    expect(c.modelsByName("claude-sonnet-4-5-20250929").map((m) => m.id)).toEqual(["anthropic/claude-sonnet-4-5"]);
    expect(c.model("anthropic/claude-sonnet-4-0")?.id).toBe("anthropic/claude-sonnet-4-20250514");
    expect(c.modelsByName("no-such-model")).toEqual([]);
  });

  it("enables a model only when its provider is enabled and no override disables it", () => {
    const c = service(all().filter((p) => p.id !== "mistral"));
    expect(c.model("mistral/mistral-large-latest")?.enabled).toBe(false);
    expect(c.model("openai/gpt-4o")?.enabled).toBe(true);
    c.setProvider(provider("mistral", "OPENAI_COMPATIBLE"));
    expect(c.model("mistral/mistral-large-latest")?.enabled).toBe(true);
    c.setProvider(provider("openai", "OPENAI", false));
    expect(c.model("openai/gpt-4o")?.enabled).toBe(false);
    expect(c.models({ providerId: "openai", enabled: true })).toEqual([]);
  });

  it("applies and removes overrides; override pricing is labelled", () => {
    const c = service();
    const m = c.applyOverride({ modelId: "openai/gpt-4o-mini", pricing: { inputPerMTok: 1, outputPerMTok: 2, cachedInputPerMTok: null, cacheWritePerMTok: null } });
    expect(m?.pricing).toMatchObject({ inputPerMTok: 1, outputPerMTok: 2, source: "override" });
    c.applyOverride({ modelId: "openai/gpt-4o-mini", enabled: false, contextWindow: 1000 });
    expect(c.model("openai/gpt-4o-mini")).toMatchObject({ enabled: false, contextWindow: 1000 });
    expect(c.model("openai/gpt-4o-mini")?.pricing?.source).toBe("override");
    c.removeOverride("openai/gpt-4o-mini", "pricing");
    expect(c.model("openai/gpt-4o-mini")?.pricing?.source).toMatch(/^catalog@/);
    expect(c.model("openai/gpt-4o-mini")?.enabled).toBe(false);
    c.applyOverride({ modelId: "openai/gpt-4o-mini", enabled: null });
    expect(c.model("openai/gpt-4o-mini")?.enabled).toBe(true);
    c.removeOverride("openai/gpt-4o-mini");
    expect(c.model("openai/gpt-4o-mini")?.contextWindow).toBe(128_000);
    expect(c.override("openai/gpt-4o-mini")).toBeNull();
  });

  it("takes constructor overrides, including ones for models discovered later", () => {
    const c = new CatalogService({
      seed: buildSeedCatalog(),
      providers: [...all(), provider("proxy", "OPENAI_COMPATIBLE")],
      overrides: [{ modelId: "openai/gpt-4o", enabled: false }, { modelId: "proxy/my-model", maxOutputTokens: 512 }],
    });
    expect(c.model("openai/gpt-4o")?.enabled).toBe(false);
    expect(c.addModels("proxy", ["my-model"])[0]).toMatchObject({ maxOutputTokens: 512, pricing: null });
  });

  it("filters by provider, capability, price and context window", () => {
    const c = service();
    const cheap = c.models({ maxInputPricePerMTok: 0.2, enabled: true });
    expect(cheap.map((m) => m.id)).toContain("openai/gpt-4o-mini");
    expect(cheap.every((m) => m.pricing !== null && m.pricing.inputPerMTok <= 0.2)).toBe(true);
    expect(cheap.some((m) => m.id === "mistral/devstral-medium-2507")).toBe(false);
    const vision = c.models({ providerId: "anthropic", capability: "VISION" });
    expect(vision.length).toBeGreaterThan(0);
    expect(vision.every((m) => m.providerId === "anthropic" && m.capabilities.includes("VISION"))).toBe(true);
    const long = c.models({ minContextWindow: 1_000_000 });
    expect(long.map((m) => m.id)).toContain("google/gemini-2.5-flash");
    expect(long.some((m) => m.id === "openai/gpt-4o")).toBe(false);
  });

  it("adds discovered models: priced when the data knows the name, otherwise null", () => {
    const c = service([...all(), provider("ollama", "OPENAI_COMPATIBLE")]);
    expect(() => c.addModels("ollama", ["llama3.1:8b", "gpt-4o-mini"])).not.toThrow();
    expect(c.model("ollama/llama3.1:8b")).toMatchObject({ pricing: null, capabilities: ["STREAMING"], enabled: true });
    expect(c.model("ollama/gpt-4o-mini")?.pricing?.inputPerMTok).toBe(0.15);
    expect(c.modelsByName("gpt-4o-mini").map((m) => m.id).sort()).toEqual(["ollama/gpt-4o-mini", "openai/gpt-4o-mini"]);
    expect(c.models({ providerId: "ollama" })).toHaveLength(2);
  });

  it("picks a cheap data-derived default per provider", () => {
    const c = service();
    for (const p of ["openai", "anthropic", "google", "deepseek", "mistral"]) {
      const d = c.defaultModelFor(p);
      expect(d, p).not.toBeNull();
      expect(d!.pricing, p).not.toBeNull();
      expect(d!.capabilities, p).toContain("TOOLS");
      expect(d!.capabilities, p).not.toContain("REASONING");
    }
    expect(c.defaultModelFor("deepseek")?.id).toBe("deepseek/deepseek-chat");
    expect(c.defaultModelFor("local")?.local).toBe(true);
    expect(c.defaultModelFor("nope")).toBeNull();
    c.setProvider(provider("openai", "OPENAI", false));
    expect(c.defaultModelFor("openai")).toBeNull();
  });
});
