import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { GatewayError } from "../../core/model/errors.js";
import type { StreamPart } from "../../core/model/stream-part.js";
import type { ProviderAdapter } from "../../core/ports/language-model.js";
import { createSeededRandom, createSystemClock } from "../../core/routing/clock.js";
import { InMemoryCircuitStore } from "../../core/routing/in-memory-circuit.store.js";
import { InMemoryStatsStore } from "../../core/routing/in-memory-stats.store.js";
import { createRouter } from "../../core/routing/router.js";
import type { RouteOutcome, RouterEvent } from "../../core/routing/router.types.js";
import { catalogModel, catalogView, routeDefinition, routeView } from "../../core/routing/router.test-support.js";
import { startFakeAnthropic, startFakeGemini, startFakeOpenAI } from "../../../test/support/fake-upstreams/index.js";
import type { FakeUpstream } from "../../../test/support/fake-upstreams/index.js";
import { createAnthropicProvider } from "../anthropic/anthropic.adapter.js";
import { createGoogleProvider } from "../google/google.adapter.js";
import { createOpenAIProvider } from "../openai/openai.adapter.js";
import { textOf } from "./test-helpers.js";

/**
 * Errors reported inside a 200 stream (the upstream accepted the request, then failed): each provider's real
 * wire shape, mapped to the GatewayError kind failover and circuits read, then through the router with the
 * real adapters — transparent failover before the first text part, FAILED with partial output after it.
 */

interface Upstreams {
  openai: FakeUpstream;
  anthropic: FakeUpstream;
  google: FakeUpstream;
}

let fakes: Upstreams;
let adapters: Map<string, ProviderAdapter & { close(): Promise<void> }>;
const hello: ChatRequest = { messages: [{ role: "user", content: "Hello there" }] };

beforeAll(async () => {
  const [openai, anthropic, google] = await Promise.all([startFakeOpenAI(), startFakeAnthropic(), startFakeGemini()]);
  fakes = { openai, anthropic, google };
  adapters = new Map<string, ProviderAdapter & { close(): Promise<void> }>([
    ["openai", createOpenAIProvider({ baseUrl: openai.baseUrl, apiKey: "sk" })],
    ["anthropic", createAnthropicProvider({ baseUrl: anthropic.baseUrl, apiKey: "sk-ant" })],
    ["google", createGoogleProvider({ baseUrl: google.baseUrl, apiKey: "gem" })],
  ]);
});
afterAll(async () => {
  for (const adapter of adapters.values()) await adapter.close();
  await Promise.all(Object.values(fakes).map((fake) => fake.close()));
});

/** Reads a stream until it throws; returns the parts seen and the error. */
async function partsUntilError(stream: AsyncIterable<StreamPart>): Promise<{ parts: StreamPart[]; error: unknown }> {
  const parts: StreamPart[] = [];
  try {
    for await (const part of stream) parts.push(part);
  } catch (error) {
    return { parts, error };
  }
  return { parts, error: null };
}

const MODEL_NAMES: Record<keyof Upstreams, string> = { openai: "gpt-x", anthropic: "claude-x", google: "gemini-x" };

describe("in-stream errors map to GatewayError kinds", () => {
  it.each([
    ["openai", undefined, "server", /server had an error/],
    ["anthropic", undefined, "overloaded", /^Overloaded$/],
    ["google", undefined, "overloaded", /overloaded/],
    ["google", "RESOURCE_EXHAUSTED", "rate_limit", /overloaded/],
    ["google", "INTERNAL", "server", /overloaded/],
    ["anthropic", "api_error", "server", /^Overloaded$/],
  ] as const)("%s (%s) → %s, after the text already streamed", async (provider, errorType, kind, message) => {
    fakes[provider].script({ type: "stream-error", afterChunks: 2, chunks: ["Hel", "lo", " world"], errorType });
    const { parts, error } = await partsUntilError(adapters.get(provider)!.languageModel(MODEL_NAMES[provider]).stream(hello, {}));
    expect(textOf(parts)).toBe("Hello");
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ kind, provider, isRetryable: true });
    expect((error as GatewayError).message).toMatch(message);
  });
});

function setupRouter() {
  const models = [catalogModel("openai/gpt-x"), catalogModel("anthropic/claude-x"), catalogModel("google/gemini-x")];
  const routes = (first: string, second: string) =>
    routeDefinition(`${first.split("/")[0]}-${second.split("/")[0]}`, { targets: [{ model: first, weight: 1, priority: 1 }, { model: second, weight: 1, priority: 2 }] });
  const router = createRouter({
    catalog: catalogView(models),
    routes: routeView([
      routes("openai/gpt-x", "anthropic/claude-x"),
      routes("anthropic/claude-x", "google/gemini-x"),
      routes("google/gemini-x", "openai/gpt-x"),
    ]),
    adapters: (id) => adapters.get(id),
    circuits: new InMemoryCircuitStore(),
    stats: new InMemoryStatsStore(),
    clock: createSystemClock(),
    random: createSeededRandom(7),
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  return router;
}

async function run(route: string): Promise<{ events: RouterEvent[]; outcome: RouteOutcome; text: string }> {
  const router = setupRouter();
  const events: RouterEvent[] = [];
  for await (const event of router.execute(router.plan(hello, { target: `route:${route}` }), { stream: true })) events.push(event);
  const done = events.at(-1);
  if (done?.type !== "done") throw new Error("no done event");
  const text = events.map((event) => (event.type === "part" && event.part.type === "text-delta" ? event.part.text : "")).join("");
  return { events, outcome: done.outcome, text };
}

const CASES = [
  { first: "openai", second: "anthropic", kind: "server" },
  { first: "anthropic", second: "google", kind: "overloaded" },
  { first: "google", second: "openai", kind: "overloaded" },
] as const;

describe("in-stream errors through the router (real adapters)", () => {
  it.each(CASES)("$first: an error before the first text part fails over transparently to $second", async ({ first, second, kind }) => {
    fakes[first].script({ type: "stream-error", afterChunks: 0 });
    fakes[second].script({ type: "reply", chunks: ["rescued", " answer"], usage: { inputTokens: 7, outputTokens: 2 } });
    const { events, outcome, text } = await run(`${first}-${second}`);
    expect(text).toBe("rescued answer");
    expect(outcome.status).toBe("SUCCEEDED");
    expect(outcome.model?.providerId).toBe(second);
    expect(outcome.usage).toMatchObject({ inputTokens: 7, outputTokens: 2, source: "REPORTED" });
    expect(events.find((event) => event.type === "attempt-failed")).toMatchObject({ willFailOver: true, error: { kind } });
    expect(outcome.trail.attempts.map((attempt) => [attempt.provider, attempt.status, attempt.errorKind])).toEqual([
      [first, "FAILED", kind],
      [second, "SUCCEEDED", null],
    ]);
  });

  it.each(CASES)("$first: an error after text was streamed ends FAILED with the text so far and estimated usage", async ({ first, second, kind }) => {
    const before = fakes[second].requests.length;
    fakes[first].script({ type: "stream-error", afterChunks: 2, chunks: ["partial", " output", " never sent"] });
    const { events, outcome, text } = await run(`${first}-${second}`);
    expect(text).toBe("partial output");
    expect(outcome.status).toBe("FAILED");
    expect(outcome.text).toBe("partial output");
    expect(outcome.error).toMatchObject({ kind });
    expect(outcome.usage).toMatchObject({ source: "ESTIMATED", outputTokens: expect.any(Number), inputTokens: expect.any(Number) });
    expect(outcome.usage!.outputTokens).toBeGreaterThan(0);
    expect(outcome.usage!.inputTokens).toBeGreaterThan(0);
    expect(events.find((event) => event.type === "attempt-failed")).toMatchObject({ willFailOver: false });
    expect(fakes[second].requests.length).toBe(before);
  });
});
