import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { completionRequests } from "../../src/db/schema/index.js";
import { createApiKey, startGatewayWithFakes, upsertRoute, type StartedGateway } from "../support/start-gateway.js";

let gw: StartedGateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGatewayWithFakes();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
});
afterAll(async () => {
  await gw?.close();
});

const user = (content: string) => [{ role: "user" as const, content }];

describe("POST /v1/chat/completions (OpenAI SDK)", () => {
  it("answers a non-stream completion in chat.completion shape with switchyard headers", async () => {
    gw.fakes.openai.script({ type: "reply", chunks: ["Hi", " there"], usage: { inputTokens: 12, outputTokens: 5, cachedInputTokens: 4, reasoningTokens: 2 } });
    const { data, response } = await client.chat.completions
      .create({ model: "openai/gpt-4o-mini", messages: user("hello there"), temperature: 0.2, max_tokens: 50, stop: "END", seed: 7, user: "u-1" })
      .withResponse();
    expect(data.object).toBe("chat.completion");
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.model).toBe("openai/gpt-4o-mini");
    expect(data.choices[0]?.message).toMatchObject({ role: "assistant", content: "Hi there" });
    expect(data.choices[0]?.finish_reason).toBe("stop");
    expect(data.usage).toMatchObject({
      prompt_tokens: 12,
      completion_tokens: 5,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 2 },
    });
    const cost = response.headers.get("x-switchyard-cost-usd");
    expect(Number(cost)).toBeGreaterThan(0);
    expect((data.usage as unknown as { cost: number }).cost).toBeCloseTo(Number(cost), 12);
    expect(response.headers.get("x-switchyard-provider")).toBe("openai");
    expect(response.headers.get("x-switchyard-model")).toBe("openai/gpt-4o-mini");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    const upstream = gw.fakes.openai.requests.at(-1)?.body as Record<string, unknown>;
    expect(upstream).toMatchObject({ model: "gpt-4o-mini", temperature: 0.2, max_completion_tokens: 50, stop: ["END"], seed: 7, user: "u-1" });
  });

  it("streams chunks with role, content, finish and a usage chunk carrying the cost", async () => {
    gw.fakes.openai.script({ type: "reply", chunks: ["a", "b", "c"], usage: { inputTokens: 9, outputTokens: 3 } });
    const { data: stream, response } = await client.chat.completions
      .create({ model: "openai/gpt-4o-mini", messages: user("stream me"), stream: true, stream_options: { include_usage: true } })
      .withResponse();
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    expect(response.headers.get("x-switchyard-provider")).toBe("openai");
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk" && chunk.model === "openai/gpt-4o-mini")).toBe(true);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("abc");
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 });
    expect((last?.usage as unknown as { cost: number }).cost).toBeGreaterThan(0);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe("stop");
  });

  it("runs a tool-call round trip (stream) and sends the tool result back upstream", async () => {
    gw.fakes.openai.script(
      { type: "reply", toolCalls: [{ id: "call_w", name: "get_weather", arguments: '{"city":"Paris"}' }], usage: { inputTokens: 20, outputTokens: 8 } },
      { type: "reply", chunks: ["Sunny in Paris"], usage: { inputTokens: 30, outputTokens: 4 } },
    );
    const tools = [
      { type: "function" as const, function: { name: "get_weather", description: "Weather", parameters: { type: "object", properties: { city: { type: "string" } } } } },
    ];
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = user("Weather in Paris?");
    const runner = client.chat.completions.stream({ model: "openai/gpt-4o-mini", messages, tools, tool_choice: "auto" });
    const first = await runner.finalChatCompletion();
    const call = first.choices[0]?.message.tool_calls?.[0];
    expect(first.choices[0]?.finish_reason).toBe("tool_calls");
    expect(call).toMatchObject({ id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } });
    messages.push(first.choices[0]!.message, { role: "tool", tool_call_id: "call_w", content: '{"sky":"sunny"}' });
    const second = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages, tools });
    expect(second.choices[0]?.message.content).toBe("Sunny in Paris");
    const upstream = gw.fakes.openai.requests.at(-1)?.body as { messages: Record<string, unknown>[] };
    expect(upstream.messages.at(-2)).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_w", function: { name: "get_weather" } }] });
    expect(upstream.messages.at(-1)).toMatchObject({ role: "tool", tool_call_id: "call_w", content: '{"sky":"sunny"}' });
  });

  it("passes JSON mode and unknown fields through to an OpenAI upstream", async () => {
    gw.fakes.openai.script({ type: "reply", chunks: ['{"ok":', "true}"] });
    const completion = await client.chat.completions.create({
      model: "openai/gpt-4o-mini",
      messages: user("json please"),
      response_format: { type: "json_object" },
      frequency_penalty: 0.5,
      logit_bias: { "42": 1 },
    });
    expect(JSON.parse(completion.choices[0]?.message.content ?? "")).toEqual({ ok: true });
    expect(gw.fakes.openai.requests.at(-1)?.body).toMatchObject({ response_format: { type: "json_object" }, frequency_penalty: 0.5, logit_bias: { "42": 1 } });
  });

  it("serves an OpenAI client from Anthropic and Gemini upstreams", async () => {
    gw.fakes.anthropic.script({ type: "reply", chunks: ["from", " claude"], usage: { inputTokens: 10, outputTokens: 2 } });
    const claude = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4-5", messages: [{ role: "system", content: "be brief" }, ...user("hi")] });
    expect(claude.choices[0]?.message.content).toBe("from claude");
    expect(claude.model).toBe("anthropic/claude-sonnet-4-5");
    expect(gw.fakes.anthropic.requests.at(-1)?.body).toMatchObject({ system: expect.anything(), model: "claude-sonnet-4-5" });

    gw.fakes.gemini.script({ type: "reply", chunks: ["gem", "ini"], usage: { inputTokens: 6, outputTokens: 2 } });
    const stream = await client.chat.completions.create({
      model: "google/gemini-2.5-flash",
      messages: user("hi"),
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text).toBe("gemini");
    expect(usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 2 });
  });

  it("fails over to the next target of a route when the first upstream fails", async () => {
    await upsertRoute(gw.url, gw.adminKey, {
      name: "two",
      strategy: "FALLBACK",
      targets: [
        { model: "openai/gpt-4o-mini", weight: 1, priority: 0 },
        { model: "anthropic/claude-sonnet-4-5", weight: 1, priority: 1 },
      ],
    });
    gw.fakes.openai.script({ type: "error", status: 500, message: "boom" });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["rescued"] });
    const { data, response } = await client.chat.completions.create({ model: "route:two", messages: user("help") }).withResponse();
    expect(data.choices[0]?.message.content).toBe("rescued");
    expect(response.headers.get("x-switchyard-provider")).toBe("anthropic");
    const id = response.headers.get("x-switchyard-request-id") ?? "";
    await expect
      .poll(async () => (await gw.database.db.select().from(completionRequests).where(eq(completionRequests.id, id)))[0]?.status)
      .toBe("SUCCEEDED");
    const [row] = await gw.database.db.select().from(completionRequests).where(eq(completionRequests.id, id));
    expect(row).toMatchObject({ protocol: "openai", requestedModel: "route:two", servedModel: "anthropic/claude-sonnet-4-5" });
  });

  it("lists catalog models and routes in OpenAI's list format", async () => {
    const page = await client.models.list();
    const ids = page.data.map((model) => model.id);
    expect(ids).toEqual(expect.arrayContaining(["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-5", "route:default", "auto"]));
    expect(page.data[0]).toMatchObject({ object: "model", owned_by: expect.any(String), created: expect.any(Number) });
  });
});

describe("errors as the OpenAI SDK's typed errors", () => {
  it("401 for a bad key, 404 model_not_found for an unknown model, 400 for n > 1", async () => {
    const bad = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sy-nope", maxRetries: 0 });
    await expect(bad.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x") })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const notFound = await client.chat.completions.create({ model: "nope/nothing", messages: user("x") }).catch((error: unknown) => error);
    expect(notFound).toBeInstanceOf(OpenAI.NotFoundError);
    expect(notFound).toMatchObject({ status: 404, code: "model_not_found" });
    const many = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x"), n: 2 }).catch((error: unknown) => error);
    expect(many).toBeInstanceOf(OpenAI.BadRequestError);
    expect((many as Error).message).toMatch(/n > 1/);
  });

  it("402 over a real budget, before any upstream call", async () => {
    // gpt-4o-mini reserves prompt + 1,024 output tokens (~$0.0006): more than this whole budget.
    const broke = await createApiKey(gw.url, gw.adminKey, { name: "broke", budgetUsd: 0.00001, budgetPeriod: "MONTH" });
    const brokeClient = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: broke.secret, maxRetries: 0 });
    const before = gw.fakes.openai.requests.length;
    const budget = await brokeClient.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x") }).catch((error: unknown) => error);
    expect(budget).toBeInstanceOf(OpenAI.APIError);
    expect(budget).toMatchObject({ status: 402, code: "budget_exceeded" });
    expect(gw.fakes.openai.requests.length).toBe(before);
    // A small maxTokens fits in a small budget (the reservation follows the request).
    const roomy = await createApiKey(gw.url, gw.adminKey, { name: "roomy", budgetUsd: 0.001, budgetPeriod: "DAY" });
    const roomyClient = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: roomy.secret, maxRetries: 0 });
    gw.fakes.openai.script({ type: "reply", chunks: ["fits"], usage: { inputTokens: 5, outputTokens: 1 } });
    const fits = await roomyClient.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x"), max_tokens: 10 });
    expect(fits.choices[0]?.message.content).toBe("fits");
  });

  it("429 with Retry-After over a real requests-per-minute limit", async () => {
    const busy = await createApiKey(gw.url, gw.adminKey, { name: "busy", requestsPerMinute: 1 });
    const busyClient = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: busy.secret, maxRetries: 0 });
    gw.fakes.openai.script({ type: "reply", chunks: ["first"] });
    const first = await busyClient.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x") });
    expect(first.choices[0]?.message.content).toBe("first");
    const before = gw.fakes.openai.requests.length;
    const limited = await busyClient.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x") }).catch((error: unknown) => error);
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError);
    expect(limited).toMatchObject({ status: 429, code: "rate_limit_exceeded" });
    const retryAfter = Number((limited as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(gw.fakes.openai.requests.length).toBe(before);
  });

  it("upstream 429 on the only candidate surfaces as 429 with the upstream's Retry-After", async () => {
    // Another deployment than the other tests use: the 429 cools this one down for 30 s.
    gw.fakes.openai.script({ type: "error", status: 429, headers: { "retry-after": "30" }, message: "slow down" });
    const error = await client.chat.completions.create({ model: "openai/gpt-4o", messages: user("x") }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("30");
  });

  it("a stream cut by the upstream after its first token ends with an error the client sees", async () => {
    gw.fakes.openai.script({ type: "drop", when: "after-first-chunk", chunks: ["partial", " more"] });
    const stream = await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("x"), stream: true });
    let text = "";
    const failure = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    })().catch((error: unknown) => error);
    expect(text).toBe("partial");
    expect(failure).toBeInstanceOf(OpenAI.APIError);
  });
});

describe("SSE details over raw HTTP", () => {
  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${gw.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });

  it("sends keep-alive comments while the first token is slow, and [DONE] at the end", async () => {
    // The harness sets SWITCHYARD_SSE_KEEPALIVE_MS=150: a 400 ms wait spans at least two periods.
    gw.fakes.openai.script({ type: "reply", chunks: ["late"], firstChunkDelayMs: 400 });
    const response = await post({ model: "openai/gpt-4o-mini", messages: user("x"), stream: true });
    const text = await response.text();
    expect(text.startsWith(": keep-alive\n\n")).toBe(true);
    expect(text).toContain('"content":"late"');
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("after the first token, an upstream failure is an in-band error and finish_reason error, never [DONE]", async () => {
    gw.fakes.openai.script({ type: "malformed-sse", chunks: ["one"] });
    const text = await (await post({ model: "openai/gpt-4o-mini", messages: user("x"), stream: true })).text();
    expect(text).toMatch(/data: \{"error":\{"message":.+,"type":"upstream_error","code":"upstream_error"\}\}/);
    expect(text).toContain('"finish_reason":"error"');
    expect(text).not.toContain("[DONE]");
  });

  it("a client that disconnects aborts the upstream and the request is recorded ABORTED", async () => {
    gw.fakes.openai.script({ type: "stall", afterFirstChunk: true, chunks: ["first"] });
    const controller = new AbortController();
    const response = await post({ model: "openai/gpt-4o-mini", messages: user("x"), stream: true }, controller.signal);
    const id = response.headers.get("x-switchyard-request-id") ?? "";
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await expect.poll(() => gw.fakes.openai.openSockets()).toBe(0);
    await expect
      .poll(async () => (await gw.database.db.select().from(completionRequests).where(eq(completionRequests.id, id)))[0]?.status)
      .toBe("ABORTED");
  });

  it("records every REST request in completion_requests", async () => {
    const before = (await gw.database.db.select().from(completionRequests).where(eq(completionRequests.protocol, "openai"))).length;
    await client.chat.completions.create({ model: "openai/gpt-4o-mini", messages: user("count me") });
    await expect
      .poll(async () => (await gw.database.db.select().from(completionRequests).where(eq(completionRequests.protocol, "openai"))).length)
      .toBe(before + 1);
  });
});
