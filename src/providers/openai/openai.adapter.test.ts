import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/model/chat-request.js";
import type { StreamPart } from "../../core/model/stream-part.js";
import { startFakeOpenAI } from "../../../test/support/fake-upstreams/index.js";
import type { FakeUpstream } from "../../../test/support/fake-upstreams/index.js";
import type { OpenAICompatibleProvider } from "../shared/openai-compatible.adapter.js";
import { createOpenAIProvider } from "./openai.adapter.js";

let upstream: FakeUpstream;
let provider: OpenAICompatibleProvider;
const hello: ChatRequest = { messages: [{ role: "user", content: "Hello" }] };

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function text(parts: StreamPart[]): string {
  return parts.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
}

beforeAll(async () => {
  upstream = await startFakeOpenAI();
  provider = createOpenAIProvider({ baseUrl: upstream.baseUrl, apiKey: "sk-test" });
});
afterEach(() => {
  upstream.requests.length = 0;
});
afterAll(async () => {
  await provider.close();
  await upstream.close();
});

describe("openai adapter", () => {
  it("streams text with include_usage and normalizes cached and reasoning tokens", async () => {
    upstream.script({ type: "reply", chunks: ["Hi", " there"], usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, reasoningTokens: 12 } });
    const parts = await collect(provider.languageModel("gpt-4o-mini").stream(hello, {}));
    expect(parts[0]).toMatchObject({ type: "start", responseId: "chatcmpl-fake123", model: "gpt-4o-mini" });
    expect(text(parts)).toBe("Hi there");
    expect(parts.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "stop",
      usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, cacheWriteInputTokens: 0, reasoningTokens: 12, source: "REPORTED" },
    });
    const request = upstream.requests[0]!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test");
    expect(request.body).toMatchObject({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true } });
  });

  it("generates with the non-stream endpoint and keeps the raw body", async () => {
    upstream.script({ type: "reply", chunks: ["Done"], rawUsage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55, prompt_tokens_details: { cached_tokens: 20 } } });
    const result = await provider.languageModel("gpt-4o").generate({ ...hello, maxOutputTokens: 64 }, {});
    expect(result.text).toBe("Done");
    expect(result.usage).toMatchObject({ inputTokens: 50, cachedInputTokens: 20, outputTokens: 5 });
    expect(result.raw).toMatchObject({ object: "chat.completion" });
    expect(upstream.requests[0]!.body).toMatchObject({ stream: false, max_completion_tokens: 64 });
  });

  it("maps tools, images, JSON schema and tool-call round trips", async () => {
    upstream.script({ type: "reply", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }] });
    const request: ChatRequest = {
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image", url: "data:image/png;base64,AAAA", detail: "low" }] },
        { role: "assistant", content: "", toolCalls: [{ id: "call_0", name: "get_weather", arguments: '{"city":"Rome"}' }] },
        { role: "tool", toolCallId: "call_0", content: '{"temp":20}' },
      ],
      tools: [{ name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } }],
      toolChoice: { type: "tool", name: "get_weather" },
      responseFormat: { type: "json_schema", name: "w", schema: { type: "object" }, strict: true },
      seed: 7,
    };
    const parts = await collect(provider.languageModel("gpt-4o").stream(request, {}));
    const call = parts.find((part) => part.type === "tool-call");
    expect(call).toEqual({ type: "tool-call", index: 0, call: { id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' } });
    expect(parts.filter((part) => part.type === "tool-call-delta").length).toBeGreaterThan(1);
    expect(parts.at(-1)).toMatchObject({ finishReason: "tool_calls" });
    expect(upstream.requests[0]!.body).toMatchObject({
      messages: [
        { role: "system", content: "Be brief" },
        { role: "user", content: [{ type: "text", text: "Weather?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_0", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } }] },
        { role: "tool", tool_call_id: "call_0", content: '{"temp":20}' },
      ],
      tools: [{ type: "function", function: { name: "get_weather", description: "Weather" } }],
      tool_choice: { type: "function", function: { name: "get_weather" } },
      response_format: { type: "json_schema", json_schema: { name: "w", schema: { type: "object" }, strict: true } },
      seed: 7,
    });
  });

  it("passes unknown openai-chat fields through and warns for other protocols", async () => {
    const model = provider.languageModel("gpt-4o");
    await model.generate({ ...hello, passthrough: { protocol: "openai-chat", fields: { logit_bias: { "50256": -100 }, service_tier: "flex" } } }, {});
    expect(upstream.requests[0]!.body).toMatchObject({ logit_bias: { "50256": -100 }, service_tier: "flex" });
    expect(model.warnings({ ...hello, passthrough: { protocol: "anthropic-messages", fields: { thinking: {} } } })[0]).toContain("thinking");
  });

  it("maps HTTP faults to error kinds with retryAfterMs", async () => {
    const model = provider.languageModel("gpt-4o");
    const cases = [
      [{ type: "error", status: 500 }, "server", undefined],
      [{ type: "error", status: 503 }, "overloaded", undefined],
      [{ type: "error", status: 429, headers: { "retry-after": "3" } }, "rate_limit", 3000],
      [{ type: "error", status: 429, headers: { "retry-after-ms": "250" } }, "rate_limit", 250],
      [{ type: "error", status: 400, message: "Invalid 'temperature'" }, "bad_request", undefined],
      [{ type: "error", status: 400, message: "This model's maximum context length is 128000 tokens" }, "context_length", undefined],
      [{ type: "error", status: 401 }, "auth", undefined],
    ] as const;
    for (const [scenario, kind, retryAfterMs] of cases) {
      upstream.script(scenario);
      await expect(collect(model.stream(hello, {}))).rejects.toMatchObject({ kind, retryAfterMs, provider: "openai" });
    }
    upstream.script({ type: "error", status: 400, message: "Invalid 'temperature'" });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "bad_request", message: "Invalid 'temperature'", isRetryable: false });
  });

  it("maps dropped connections and malformed SSE", async () => {
    const model = provider.languageModel("gpt-4o");
    upstream.script({ type: "drop", when: "before-first-chunk" });
    await expect(collect(model.stream(hello, {}))).rejects.toMatchObject({ kind: "network", isRetryable: true });
    upstream.script({ type: "drop", when: "after-first-chunk" });
    const seen: StreamPart[] = [];
    await expect(
      (async () => {
        for await (const part of model.stream(hello, {})) seen.push(part);
      })(),
    ).rejects.toMatchObject({ kind: "network" });
    expect(text(seen)).toBe("Hello");
    upstream.script({ type: "malformed-sse" });
    await expect(collect(model.stream(hello, {}))).rejects.toMatchObject({ kind: "server", isRetryable: true });
    upstream.script({ type: "malformed-sse" });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "server" });
  });

  it("abort closes the upstream socket within 100 ms while the upstream is silent", async () => {
    // A dedicated server and client, so no idle keep-alive socket of other tests is counted.
    const upstream = await startFakeOpenAI();
    const provider = createOpenAIProvider({ baseUrl: upstream.baseUrl, apiKey: null });
    for (const afterFirstChunk of [false, true]) {
      upstream.script({ type: "stall", afterFirstChunk });
      const controller = new AbortController();
      const iterator = provider.languageModel("gpt-4o").stream(hello, { signal: controller.signal })[Symbol.asyncIterator]();
      if (afterFirstChunk) {
        expect((await iterator.next()).value).toMatchObject({ type: "start" });
        expect((await iterator.next()).value).toEqual({ type: "text-delta", text: "Hello" });
      }
      const pending = iterator.next();
      await expect.poll(() => upstream.requests.length).toBeGreaterThan(0);
      expect(upstream.openSockets()).toBeGreaterThan(0);
      const abortedAt = performance.now();
      controller.abort();
      await expect(pending).rejects.toMatchObject({ kind: "aborted" });
      await expect.poll(() => upstream.openSockets(), { timeout: 100, interval: 5 }).toBe(0);
      expect(performance.now() - abortedAt).toBeLessThan(100);
      upstream.requests.length = 0;
    }
    await provider.close();
    await upstream.close();
  });

  it("lists models from GET /models", async () => {
    expect(await provider.listModels()).toEqual(["gpt-fake", "gpt-fake-mini"]);
  });
});
