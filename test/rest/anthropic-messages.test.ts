import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayWithFakes, type StartedGateway } from "../support/start-gateway.js";

let gw: StartedGateway;
let client: Anthropic;

beforeAll(async () => {
  gw = await startGatewayWithFakes();
  client = new Anthropic({ baseURL: gw.url, apiKey: gw.adminKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
});

describe("POST /v1/messages (Anthropic SDK)", () => {
  it("answers in Anthropic's message shape; input_tokens excludes cache reads and writes", async () => {
    gw.fakes.anthropic.script({
      type: "reply",
      chunks: ["Bonjour"],
      usage: { inputTokens: 100, outputTokens: 7, cachedInputTokens: 30, cacheWriteInputTokens: 20 },
    });
    // top_k: a field this SDK version does not type, so it goes through as an extra body field.
    const params = {
      model: "anthropic/claude-sonnet-4-5",
      max_tokens: 64,
      system: "be brief",
      messages: [{ role: "user" as const, content: "hello" }],
      metadata: { user_id: "u-9" },
      top_k: 5,
    };
    const { data, response } = await client.messages.create(params as Anthropic.MessageCreateParamsNonStreaming).withResponse();
    expect(data).toMatchObject({
      type: "message",
      role: "assistant",
      model: "anthropic/claude-sonnet-4-5",
      content: [{ type: "text", text: "Bonjour" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: 50, output_tokens: 7, cache_read_input_tokens: 30, cache_creation_input_tokens: 20 },
    });
    expect(data.id).toMatch(/^msg_/);
    expect(response.headers.get("x-switchyard-provider")).toBe("anthropic");
    expect(Number(response.headers.get("x-switchyard-cost-usd"))).toBeGreaterThan(0);
    // Same protocol upstream: unknown fields (top_k) pass through; metadata.user_id is kept.
    expect(gw.fakes.anthropic.requests.at(-1)?.body).toMatchObject({ top_k: 5, max_tokens: 64, metadata: { user_id: "u-9" } });
  });

  it("streams events that the SDK's MessageStream assembles", async () => {
    gw.fakes.anthropic.script({ type: "reply", chunks: ["one", " two"], usage: { inputTokens: 12, outputTokens: 2 } });
    const stream = client.messages.stream({ model: "anthropic/claude-sonnet-4-5", max_tokens: 32, messages: [{ role: "user", content: "count" }] });
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas).toEqual(["one", " two"]);
    expect(message.content).toEqual([{ type: "text", text: "one two", citations: undefined }].map(({ type, text }) => expect.objectContaining({ type, text })));
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage).toMatchObject({ input_tokens: 12, output_tokens: 2 });
  });

  it("serves an Anthropic client from an OpenAI upstream, tool use round trip included (stream)", async () => {
    gw.fakes.openai.script(
      { type: "reply", chunks: ["Let me check."], toolCalls: [{ id: "call_1", name: "lookup", arguments: '{"q":"tides"}' }] },
      { type: "reply", chunks: ["High tide at noon."] },
    );
    const tools = [{ name: "lookup", description: "Search", input_schema: { type: "object" as const, properties: { q: { type: "string" } } } }];
    const first = await client.messages
      .stream({ model: "openai/gpt-4o-mini", max_tokens: 100, tools, messages: [{ role: "user", content: "tides?" }] })
      .finalMessage();
    expect(first.stop_reason).toBe("tool_use");
    expect(first.content[0]).toMatchObject({ type: "text", text: "Let me check." });
    expect(first.content[1]).toMatchObject({ type: "tool_use", id: "call_1", name: "lookup", input: { q: "tides" } });
    const second = await client.messages.create({
      model: "openai/gpt-4o-mini",
      max_tokens: 100,
      tools,
      messages: [
        { role: "user", content: "tides?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "noon" }] },
      ],
    });
    expect(second.content).toEqual([{ type: "text", text: "High tide at noon." }]);
    const upstream = gw.fakes.openai.requests.at(-1)?.body as { messages: Record<string, unknown>[]; max_completion_tokens: number };
    expect(upstream.max_completion_tokens).toBe(100);
    expect(upstream.messages.at(-2)).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_1", function: { name: "lookup", arguments: '{"q":"tides"}' } }] });
    expect(upstream.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_1", content: "noon" });
  });

  it("accepts Authorization: Bearer as well as x-api-key, and any anthropic-version", async () => {
    const bearer = new Anthropic({ baseURL: gw.url, authToken: gw.adminKey, apiKey: null, maxRetries: 0, defaultHeaders: { "anthropic-version": "1999-01-01" } });
    const message = await bearer.messages.create({ model: "anthropic/claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] });
    expect(message.type).toBe("message");
  });
});

describe("errors in Anthropic's format", () => {
  it("401, 404 and 400 surface as the SDK's typed errors", async () => {
    const bad = new Anthropic({ baseURL: gw.url, apiKey: "sy-wrong", maxRetries: 0 });
    const unauthenticated = await bad.messages.create({ model: "anthropic/claude-sonnet-4-5", max_tokens: 8, messages: [{ role: "user", content: "x" }] }).catch((error: unknown) => error);
    expect(unauthenticated).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(unauthenticated).toMatchObject({ error: { type: "error", error: { type: "authentication_error" } } });
    const missing = await client.messages.create({ model: "nope/none", max_tokens: 8, messages: [{ role: "user", content: "x" }] }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    expect(missing).toMatchObject({ error: { error: { type: "not_found_error" } } });
    const invalid = await client.messages
      .create({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "x" }] } as unknown as Anthropic.MessageCreateParamsNonStreaming)
      .catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(Anthropic.BadRequestError);
    expect((invalid as Error).message).toMatch(/max_tokens/);
  });

  it("a stream cut after its first token ends with an error event the SDK raises", async () => {
    gw.fakes.anthropic.script({ type: "drop", when: "after-first-chunk", chunks: ["half", " rest"] });
    const stream = client.messages.stream({ model: "anthropic/claude-sonnet-4-5", max_tokens: 32, messages: [{ role: "user", content: "x" }] });
    const deltas: string[] = [];
    stream.on("text", (text) => deltas.push(text));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(deltas).toEqual(["half"]);
  });

  it("sends message_start and pings while the first token is slow", async () => {
    // The harness sets SWITCHYARD_SSE_KEEPALIVE_MS=150: a 400 ms wait spans at least two periods.
    gw.fakes.anthropic.script({ type: "reply", chunks: ["late"], firstChunkDelayMs: 400 });
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": gw.adminKey, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "anthropic/claude-sonnet-4-5", max_tokens: 8, stream: true, messages: [{ role: "user", content: "x" }] }),
    });
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(events.slice(0, 2)).toEqual(["message_start", "ping"]);
    expect(events.slice(-5)).toEqual(["content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });
});
