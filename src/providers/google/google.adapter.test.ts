import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { startFakeGemini } from "../../../test/support/fake-upstreams/index.js";
import type { FakeUpstream } from "../../../test/support/fake-upstreams/index.js";
import { collectParts, textOf } from "../shared/test-helpers.js";
import { createGoogleProvider } from "./google.adapter.js";
import type { GoogleProvider } from "./google.adapter.js";

let upstream: FakeUpstream;
let provider: GoogleProvider;
const hello: ChatRequest = { messages: [{ role: "system", content: "Be kind" }, { role: "user", content: "Hello" }] };

beforeAll(async () => {
  upstream = await startFakeGemini();
  provider = createGoogleProvider({ baseUrl: upstream.baseUrl, apiKey: "g-key" });
});
afterEach(() => {
  upstream.requests.length = 0;
});
afterAll(async () => {
  await provider.close();
  await upstream.close();
});

describe("google (Gemini) adapter", () => {
  it("streams with alt=sse; usage counts thoughts as output and cached tokens within the prompt", async () => {
    upstream.script({ type: "reply", chunks: ["Bon", "jour"], reasoning: ["thinking"], usage: { inputTokens: 500, outputTokens: 80, cachedInputTokens: 400, reasoningTokens: 50 } });
    const parts = await collectParts(provider.languageModel("gemini-2.5-flash").stream(hello, {}));
    expect(parts[0]).toMatchObject({ type: "start", responseId: "resp_fake123", model: "gemini-2.5-flash" });
    expect(parts).toContainEqual({ type: "reasoning-delta", text: "thinking" });
    expect(textOf(parts)).toBe("Bonjour");
    expect(parts.at(-1)).toEqual({
      type: "finish",
      finishReason: "stop",
      rawFinishReason: "STOP",
      usage: { inputTokens: 500, outputTokens: 80, cachedInputTokens: 400, cacheWriteInputTokens: 0, reasoningTokens: 50, source: "REPORTED" },
    });
    const request = upstream.requests[0]!;
    expect(request.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    expect(request.headers["x-goog-api-key"]).toBe("g-key");
    expect(request.body).toMatchObject({ systemInstruction: { parts: [{ text: "Be kind" }] }, contents: [{ role: "user", parts: [{ text: "Hello" }] }] });
  });

  it("generates with raw usageMetadata and maps MAX_TOKENS", async () => {
    upstream.script({
      type: "reply",
      chunks: ["cut"],
      finishReason: "MAX_TOKENS",
      rawUsage: { promptTokenCount: 30, cachedContentTokenCount: 10, candidatesTokenCount: 7, thoughtsTokenCount: 3, totalTokenCount: 40 },
    });
    const result = await provider.languageModel("gemini-2.5-pro").generate({ ...hello, maxOutputTokens: 10 }, {});
    expect(result).toMatchObject({ text: "cut", finishReason: "length", rawFinishReason: "MAX_TOKENS" });
    expect(result.usage).toMatchObject({ inputTokens: 30, cachedInputTokens: 10, outputTokens: 10, reasoningTokens: 3 });
    expect(upstream.requests[0]!.path).toBe("/v1beta/models/gemini-2.5-pro:generateContent");
    expect(upstream.requests[0]!.body).toMatchObject({ generationConfig: { maxOutputTokens: 10 } });
  });

  it("maps function calls, function responses, inline images and JSON schema", async () => {
    upstream.script({ type: "reply", chunks: [], toolCalls: [{ name: "lookup", arguments: '{"q":"x"}' }] });
    const request: ChatRequest = {
      messages: [
        { role: "user", content: [{ type: "text", text: "see" }, { type: "image", url: "data:image/jpeg;base64,/9j/" }] },
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "lookup", arguments: '{"q":"y"}' }] },
        { role: "tool", toolCallId: "c1", content: '{"hits":1}' },
      ],
      tools: [{ name: "lookup", description: "Search", parameters: { type: "object", additionalProperties: false, properties: { q: { type: "string" } } } }],
      toolChoice: "auto",
      responseFormat: { type: "json_schema", name: "r", schema: { $schema: "x", type: "object", additionalProperties: false } },
    };
    const parts = await collectParts(provider.languageModel("gemini").stream(request, {}));
    expect(parts).toContainEqual({ type: "tool-call", index: 0, call: { id: "call_0", name: "lookup", arguments: '{"q":"x"}' } });
    expect(parts.at(-1)).toMatchObject({ finishReason: "tool_calls" });
    expect(upstream.requests[0]!.body).toEqual({
      contents: [
        { role: "user", parts: [{ text: "see" }, { inlineData: { mimeType: "image/jpeg", data: "/9j/" } }] },
        { role: "model", parts: [{ functionCall: { name: "lookup", args: { q: "y" } } }] },
        { role: "user", parts: [{ functionResponse: { id: "c1", name: "lookup", response: { hits: 1 } } }] },
      ],
      tools: [{ functionDeclarations: [{ name: "lookup", description: "Search", parameters: { type: "object", properties: { q: { type: "string" } } } }] }],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      generationConfig: { responseMimeType: "application/json", responseSchema: { type: "object" } },
    });
  });

  it("maps faults and aborts a silent upstream within 100 ms", async () => {
    const model = provider.languageModel("gemini");
    upstream.script({ type: "error", status: 429, headers: { "retry-after": "1" } });
    await expect(collectParts(model.stream(hello, {}))).rejects.toMatchObject({ kind: "rate_limit", retryAfterMs: 1000, upstreamCode: "RESOURCE_EXHAUSTED" });
    upstream.script({ type: "error", status: 503 });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "overloaded" });
    upstream.script({ type: "error", status: 400, message: "Invalid JSON payload" });
    await expect(model.generate(hello, {})).rejects.toMatchObject({ kind: "bad_request", message: "Invalid JSON payload" });
    upstream.script({ type: "malformed-sse" });
    await expect(collectParts(model.stream(hello, {}))).rejects.toMatchObject({ kind: "server" });

    const silent = await startFakeGemini();
    const client = createGoogleProvider({ baseUrl: silent.baseUrl, apiKey: null });
    silent.script({ type: "stall", afterFirstChunk: true });
    const controller = new AbortController();
    const iterator = client.languageModel("gemini").stream(hello, { signal: controller.signal })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: "start" });
    expect((await iterator.next()).value).toEqual({ type: "text-delta", text: "Hello" });
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "aborted" });
    await expect.poll(() => silent.openSockets(), { timeout: 100, interval: 5 }).toBe(0);
    await client.close();
    await silent.close();
  });

  it("lists models from GET /v1beta/models without the models/ prefix; a bad key is rejected", async () => {
    const listing = await startFakeGemini({ apiKey: "g-list", models: ["gemini-2.5-flash", "gemini-2.5-pro"] });
    const client = createGoogleProvider({ baseUrl: listing.baseUrl, apiKey: "g-list" });
    expect(await client.listModels()).toEqual(["gemini-2.5-flash", "gemini-2.5-pro"]);
    const request = listing.requests[0]!;
    expect(request).toMatchObject({ method: "GET" });
    expect(request.path.split("?")[0]).toBe("/v1beta/models");
    expect(request.headers["x-goog-api-key"]).toBe("g-list");
    // Gemini answers a bad key with 400 INVALID_ARGUMENT ("API key not valid"), not 401.
    const wrong = createGoogleProvider({ baseUrl: listing.baseUrl, apiKey: "g-wrong" });
    await expect(wrong.listModels()).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/API key not valid/) });
    await Promise.all([client.close(), wrong.close()]);
    await listing.close();
  });
});
