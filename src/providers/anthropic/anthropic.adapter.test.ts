import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { startFakeAnthropic } from "../../../test/support/fake-upstreams/index.js";
import type { FakeUpstream } from "../../../test/support/fake-upstreams/index.js";
import { collectParts, textOf } from "../shared/test-helpers.js";
import { createAnthropicProvider } from "./anthropic.adapter.js";
import type { AnthropicProvider } from "./anthropic.adapter.js";

let upstream: FakeUpstream;
let provider: AnthropicProvider;
const hello: ChatRequest = { messages: [{ role: "system", content: "Be kind" }, { role: "user", content: "Hello" }] };

beforeAll(async () => {
  upstream = await startFakeAnthropic();
  provider = createAnthropicProvider({ baseUrl: upstream.baseUrl, apiKey: "sk-ant" });
});
afterEach(() => {
  upstream.requests.length = 0;
});
afterAll(async () => {
  await provider.close();
  await upstream.close();
});

describe("anthropic adapter", () => {
  it("streams message_start/content_block/message_delta with cache reads and writes counted as input", async () => {
    upstream.script({ type: "reply", chunks: ["Hi", "!"], reasoning: ["hmm"], usage: { inputTokens: 1000, outputTokens: 40, cachedInputTokens: 600, cacheWriteInputTokens: 300 } });
    const parts = await collectParts(provider.languageModel("claude-sonnet-4-5").stream(hello, {}));
    expect(parts[0]).toMatchObject({ type: "start", responseId: "msg_fake123", model: "claude-sonnet-4-5" });
    expect(parts).toContainEqual({ type: "reasoning-delta", text: "hmm" });
    expect(textOf(parts)).toBe("Hi!");
    expect(parts.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "end_turn",
      usage: { inputTokens: 1000, outputTokens: 40, cachedInputTokens: 600, cacheWriteInputTokens: 300, reasoningTokens: 0, source: "REPORTED" },
    });
    const request = upstream.requests[0]!;
    expect(request.path).toBe("/v1/messages");
    expect(request.headers["x-api-key"]).toBe("sk-ant");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    expect(request.body).toMatchObject({ system: "Be kind", messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }], max_tokens: 4096, stream: true });
  });

  it("generates and normalizes raw wire usage", async () => {
    upstream.script({ type: "reply", chunks: ["ok"], rawUsage: { input_tokens: 10, cache_read_input_tokens: 90, cache_creation_input_tokens: 5, output_tokens: 3 } });
    const result = await provider.languageModel("claude-haiku-4-5").generate(hello, {});
    expect(result.text).toBe("ok");
    expect(result.usage).toMatchObject({ inputTokens: 105, cachedInputTokens: 90, cacheWriteInputTokens: 5, outputTokens: 3 });
    expect(result.raw).toMatchObject({ type: "message" });
  });

  it("maps tool_use / tool_result and images both ways", async () => {
    upstream.script({ type: "reply", chunks: [], toolCalls: [{ id: "toolu_9", name: "lookup", arguments: '{"q":"x"}' }] });
    const request: ChatRequest = {
      messages: [
        { role: "user", content: [{ type: "text", text: "see" }, { type: "image", url: "data:image/png;base64,QUJD" }, { type: "image", url: "https://example.com/a.jpg" }] },
        { role: "assistant", content: "Let me check", toolCalls: [{ id: "toolu_1", name: "lookup", arguments: '{"q":"y"}' }] },
        { role: "tool", toolCallId: "toolu_1", content: "found" },
      ],
      tools: [{ name: "lookup", parameters: { type: "object" } }],
      toolChoice: "required",
    };
    const parts = await collectParts(provider.languageModel("claude").stream(request, {}));
    expect(parts).toContainEqual({ type: "tool-call", index: 0, call: { id: "toolu_9", name: "lookup", arguments: '{"q":"x"}' } });
    expect(parts.at(-1)).toMatchObject({ finishReason: "tool_calls", rawFinishReason: "tool_use" });
    expect(upstream.requests[0]!.body).toMatchObject({
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "see" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "QUJD" } },
            { type: "image", source: { type: "url", url: "https://example.com/a.jpg" } },
          ],
        },
        { role: "assistant", content: [{ type: "text", text: "Let me check" }, { type: "tool_use", id: "toolu_1", name: "lookup", input: { q: "y" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "found" }] },
      ],
      tools: [{ name: "lookup", input_schema: { type: "object" } }],
      tool_choice: { type: "any" },
    });
    upstream.script({ type: "reply", chunks: [], toolCalls: [{ id: "toolu_2", name: "lookup", arguments: '{"q":"z"}' }] });
    const result = await provider.languageModel("claude").generate(request, {});
    expect(result.toolCalls).toEqual([{ id: "toolu_2", name: "lookup", arguments: '{"q":"z"}' }]);
  });

  it("emulates JSON mode with a system instruction and a warning; warns on seed", async () => {
    const request: ChatRequest = { ...hello, responseFormat: { type: "json_object" }, seed: 1 };
    const model = provider.languageModel("claude");
    expect(model.warnings(request).join(" ")).toMatch(/JSON output is emulated.*seed|seed.*JSON output is emulated/s);
    await model.generate(request, {});
    expect((upstream.requests[0]!.body as { system: string }).system).toMatch(/^Be kind\n\nRespond only with a single valid JSON/);
  });

  it("passes anthropic-messages fields through", async () => {
    await provider.languageModel("claude").generate({ ...hello, passthrough: { protocol: "anthropic-messages", fields: { thinking: { type: "enabled", budget_tokens: 1024 } } } }, {});
    expect(upstream.requests[0]!.body).toMatchObject({ thinking: { type: "enabled", budget_tokens: 1024 } });
  });

  it("maps faults: 529, 429 + retry-after, 400, drop, malformed", async () => {
    const model = provider.languageModel("claude");
    upstream.script({ type: "error", status: 529 });
    await expect(collectParts(model.stream(hello, {}))).rejects.toMatchObject({ kind: "overloaded", isRetryable: true });
    upstream.script({ type: "error", status: 429, headers: { "retry-after": "12" } });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "rate_limit", retryAfterMs: 12_000 });
    upstream.script({ type: "error", status: 400, message: "prompt is too long: 300000 tokens > 200000 maximum" });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "context_length", isRetryable: false });
    upstream.script({ type: "drop", when: "after-first-chunk" });
    await expect(collectParts(model.stream(hello, {}))).rejects.toMatchObject({ kind: "network" });
    upstream.script({ type: "malformed-sse" });
    await expect(collectParts(model.stream(hello, {}))).rejects.toMatchObject({ kind: "server" });
  });

  it("abort closes the upstream socket within 100 ms while the upstream is silent", async () => {
    const silent = await startFakeAnthropic();
    const client = createAnthropicProvider({ baseUrl: silent.baseUrl, apiKey: "k" });
    silent.script({ type: "stall" });
    const controller = new AbortController();
    const pending = client.languageModel("claude").generate(hello, { signal: controller.signal });
    await expect.poll(() => silent.requests.length).toBe(1);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "aborted" });
    await expect.poll(() => silent.openSockets(), { timeout: 100, interval: 5 }).toBe(0);
    await client.close();
    await silent.close();
  });

  it("lists models from GET /v1/models with its key and version headers; a bad key is an auth error", async () => {
    const listing = await startFakeAnthropic({ apiKey: "sk-list", models: ["claude-sonnet-4-5", "claude-haiku-4-5"] });
    const client = createAnthropicProvider({ baseUrl: listing.baseUrl, apiKey: "sk-list" });
    expect(await client.listModels()).toEqual(["claude-sonnet-4-5", "claude-haiku-4-5"]);
    const request = listing.requests[0]!;
    expect(request).toMatchObject({ method: "GET" });
    expect(request.path.split("?")[0]).toBe("/v1/models");
    expect(request.headers["x-api-key"]).toBe("sk-list");
    expect(request.headers["anthropic-version"]).toBe("2023-06-01");
    const wrong = createAnthropicProvider({ baseUrl: listing.baseUrl, apiKey: "sk-wrong" });
    await expect(wrong.listModels()).rejects.toMatchObject({ kind: "auth", status: 401 });
    await Promise.all([client.close(), wrong.close()]);
    await listing.close();
  });
});
