import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../core/model/chat-request.js";
import { startFakeOpenAI } from "../../test/support/fake-upstreams/index.js";
import type { FakeUpstream } from "../../test/support/fake-upstreams/index.js";
import { DEFAULT_BASE_URLS, PROVIDER_IDS, createProviderAdapter } from "./registry.js";
import { collectParts } from "./shared/test-helpers.js";

const hello: ChatRequest = { messages: [{ role: "user", content: "Hi" }], seed: 3, maxOutputTokens: 9 };
let openai: FakeUpstream;
let deepseek: FakeUpstream;

beforeAll(async () => {
  openai = await startFakeOpenAI({ models: ["m1", "m2"] });
  deepseek = await startFakeOpenAI({ dialect: "deepseek" });
});
afterAll(async () => {
  await openai.close();
  await deepseek.close();
});

describe("registry", () => {
  it("has an official default base URL for every network provider", () => {
    for (const id of PROVIDER_IDS) expect(id === "local" ? DEFAULT_BASE_URLS[id] === null : DEFAULT_BASE_URLS[id]?.startsWith("http")).toBe(true);
  });

  it("deepseek: root base URL, prompt_cache_hit_tokens as cached, no seed (warning)", async () => {
    const adapter = createProviderAdapter({ id: "deepseek", kind: "OPENAI_COMPATIBLE", baseUrl: deepseek.baseUrl, apiKey: "d" });
    deepseek.script({ type: "reply", chunks: ["x"], usage: { inputTokens: 100, outputTokens: 4, cachedInputTokens: 64 } });
    const model = adapter.languageModel("deepseek-chat");
    const parts = await collectParts(model.stream(hello, {}));
    expect(parts.at(-1)).toMatchObject({ usage: { inputTokens: 100, cachedInputTokens: 64, outputTokens: 4 } });
    expect(deepseek.requests.at(-1)!.path).toBe("/chat/completions");
    expect(deepseek.requests.at(-1)!.body).not.toHaveProperty("seed");
    expect(deepseek.requests.at(-1)!.body).toMatchObject({ max_tokens: 9 });
    expect(model.warnings(hello)[0]).toContain("seed");
    await adapter.close?.();
  });

  it("mistral: /v1 base, random_seed, no stream_options", async () => {
    const adapter = createProviderAdapter({ id: "mistral", kind: "OPENAI_COMPATIBLE", baseUrl: openai.baseUrl, apiKey: "m" });
    await collectParts(adapter.languageModel("mistral-small-latest").stream(hello, {}));
    const body = openai.requests.at(-1)!.body;
    expect(body).toMatchObject({ random_seed: 3, max_tokens: 9, stream: true });
    expect(body).not.toHaveProperty("stream_options");
    await adapter.close?.();
  });

  it("ollama: {base}/v1, no key, listModels from /v1/models", async () => {
    const adapter = createProviderAdapter({ id: "ollama", kind: "OPENAI_COMPATIBLE", baseUrl: openai.origin, apiKey: null });
    const result = await adapter.languageModel("llama3.2").generate(hello, {});
    expect(result.text).toBe("You said: Hi");
    expect(openai.requests.at(-1)!.path).toBe("/v1/chat/completions");
    expect(openai.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(await adapter.listModels?.()).toEqual(["m1", "m2"]);
    await adapter.close?.();
  });

  it("any other id of kind OPENAI_COMPATIBLE uses the generic base with {base}/models", async () => {
    const adapter = createProviderAdapter({ id: "together", kind: "OPENAI_COMPATIBLE", baseUrl: openai.baseUrl, apiKey: "t" });
    expect(adapter.id).toBe("together");
    expect(await adapter.listModels?.()).toEqual(["m1", "m2"]);
    const parts = await collectParts(adapter.languageModel("m1").stream(hello, {}));
    expect(parts.at(-1)).toMatchObject({ type: "finish", finishReason: "stop" });
    expect(() => createProviderAdapter({ id: "x", kind: "OPENAI_COMPATIBLE", baseUrl: null, apiKey: null })).toThrow(/base URL/);
    await adapter.close?.();
  });

  it("local needs no base URL", async () => {
    const adapter = createProviderAdapter({ id: "local", kind: "LOCAL", baseUrl: null, apiKey: null, localTokenDelayMs: 0 });
    expect((await adapter.languageModel("echo").generate(hello, {})).text).toBe("Hi");
  });
});
