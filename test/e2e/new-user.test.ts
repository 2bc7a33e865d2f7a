import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STREAM_SUBSCRIPTION, wsClient, type StreamEvent } from "../graphql/helpers.js";
import { graphqlData } from "../support/graphql-client.js";
import { startTestApp, type TestApp } from "../support/start-server.js";

/**
 * The "done when" flows as a new user meets them: the app as started with no provider key at all (only the
 * built-in `local` provider, default token pacing), the admin key it generated, and the official clients
 * pointed at it by changing nothing but the base URL and the key. No fake upstream anywhere.
 */
let testApp: TestApp;
let dataDir: string;
let url: string;
let key: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "sy-new-user-"));
  testApp = await startTestApp({ SWITCHYARD_DATA_DIR: dataDir });
  url = testApp.app.url;
  key = testApp.adminKey;
});

afterAll(async () => {
  await testApp?.dispose();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

interface RecordedRequest {
  id: string;
  status: string;
  protocol: string;
  stream: boolean;
  requestedModel: string;
  servedModel: string | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

/** What `completionRequests` lists for these ids, once every one of them is settled. */
async function recorded(ids: string[]): Promise<RecordedRequest[]> {
  const read = async () => {
    const data = await graphqlData<{ completionRequests: { totalCount: number; edges: { node: RecordedRequest }[] } }>(
      url,
      key,
      `{ completionRequests(first: 100) { totalCount edges { node { id status protocol stream requestedModel servedModel inputTokens outputTokens costUsd } } } }`,
    );
    const byId = new Map(data.completionRequests.edges.map((edge) => [edge.node.id, edge.node]));
    return ids.map((id) => byId.get(id));
  };
  await expect.poll(async () => (await read()).every((node) => node !== undefined && node.status !== "RUNNING")).toBe(true);
  return (await read()) as RecordedRequest[];
}

function expectUsage(request: RecordedRequest): void {
  expect(request.status).toBe("SUCCEEDED");
  expect(request.inputTokens).toBeGreaterThan(0);
  expect(request.outputTokens).toBeGreaterThan(0);
  // Local models are free, and priced as such (0, never "unknown").
  expect(request.costUsd).toBe(0);
}

describe("a new user browses the model catalog", () => {
  it("models returns real catalog data (context windows, prices) for the five big providers", async () => {
    const data = await graphqlData<{ models: { id: string; contextWindow: number | null; pricing: { inputPerMTok: number | null } | null }[] }>(
      url,
      key,
      `{ models { id contextWindow pricing { inputPerMTok } } }`,
    );
    for (const provider of ["openai", "anthropic", "google", "deepseek", "mistral"]) {
      const models = data.models.filter((model) => model.id.startsWith(`${provider}/`));
      const described = models.filter((model) => (model.contextWindow ?? 0) >= 8_000 && (model.pricing?.inputPerMTok ?? 0) > 0);
      expect(described.length, provider).toBeGreaterThanOrEqual(3);
    }
    const byId = new Map(data.models.map((model) => [model.id, model]));
    expect(byId.get("openai/gpt-4o-mini")).toEqual({ id: "openai/gpt-4o-mini", contextWindow: 128_000, pricing: { inputPerMTok: 0.15 } });
    expect(byId.get("anthropic/claude-sonnet-4-5")).toMatchObject({ contextWindow: 200_000, pricing: { inputPerMTok: 3 } });
    expect(byId.get("deepseek/deepseek-chat")?.pricing?.inputPerMTok).toBeGreaterThan(0);
    expect(byId.get("google/gemini-2.5-flash")?.contextWindow).toBeGreaterThanOrEqual(1_000_000);
    expect(byId.get("local/echo")).toMatchObject({ pricing: { inputPerMTok: 0 } });
  });
});

describe("a new user points the official SDKs at the gateway", () => {
  const openai = () => new OpenAI({ baseURL: `${url}/v1`, apiKey: key, maxRetries: 0 });

  it("openai chat.completions.create (non-stream and stream) on local/echo, and on the default route", async () => {
    const client = openai();
    const plain = await client.chat.completions
      .create({ model: "local/echo", messages: [{ role: "user", content: "Hello from the OpenAI SDK" }] })
      .withResponse();
    expect(plain.data.choices[0]?.message).toMatchObject({ role: "assistant", content: "Hello from the OpenAI SDK" });
    expect(plain.data.choices[0]?.finish_reason).toBe("stop");
    expect(plain.data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(plain.data.usage?.completion_tokens).toBeGreaterThan(0);

    const streamed = await client.chat.completions
      .create({ model: "local/echo", messages: [{ role: "user", content: "Stream it back to me" }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of streamed.data) {
      const delta = chunk.choices[0]?.delta.content;
      if (delta) deltas.push(delta);
      usage = chunk.usage ?? usage;
    }
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Stream it back to me");
    expect(usage?.completion_tokens).toBeGreaterThan(0);

    // No model: the default route, which with no provider key serves local/lorem.
    const routed = await client.chat.completions.create({ model: "", messages: [{ role: "user", content: "anything" }], max_tokens: 16 }).withResponse();
    expect(routed.response.headers.get("x-switchyard-model")).toBe("local/lorem");
    expect(routed.data.choices[0]?.message.content?.length).toBeGreaterThan(0);

    const ids = [plain, streamed, routed].map((result) => result.response.headers.get("x-switchyard-request-id") ?? "");
    const rows = await recorded(ids);
    rows.forEach(expectUsage);
    expect(rows.map((row) => [row.protocol, row.stream, row.servedModel])).toEqual([
      ["openai", false, "local/echo"],
      ["openai", true, "local/echo"],
      ["openai", false, "local/lorem"],
    ]);
  });

  it("@anthropic-ai/sdk messages.create on local/echo", async () => {
    const client = new Anthropic({ baseURL: url, apiKey: key, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({ model: "local/echo", max_tokens: 64, messages: [{ role: "user", content: "Hello from the Anthropic SDK" }] })
      .withResponse();
    expect(data).toMatchObject({ type: "message", role: "assistant", model: "local/echo", content: [{ type: "text", text: "Hello from the Anthropic SDK" }], stop_reason: "end_turn" });
    expect(data.usage.output_tokens).toBeGreaterThan(0);
    const [row] = await recorded([response.headers.get("x-switchyard-request-id") ?? ""]);
    expectUsage(row!);
    expect(row).toMatchObject({ protocol: "anthropic", servedModel: "local/echo" });
  });
});

describe("a new user subscribes to a streamed completion over graphql-ws", () => {
  it("completionStream delivers RouteDecided, TokenDeltas in order, CompletionFinished with cost; completionRequests lists it", async () => {
    const client = wsClient(url, key);
    const events: StreamEvent[] = [];
    try {
      const input = { model: "local/lorem", content: "Tell me something", maxTokens: 24 };
      for await (const result of client.iterate<{ completionStream: StreamEvent }>({ query: STREAM_SUBSCRIPTION, variables: { input } })) {
        expect(result.errors).toBeUndefined();
        events.push(result.data!.completionStream);
      }
    } finally {
      await client.dispose();
    }
    const kinds = events.map((event) => event.__typename);
    expect(kinds[0]).toBe("RouteDecided");
    expect(kinds.at(-1)).toBe("CompletionFinished");
    const deltas = events.slice(1, -1);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.every((event) => event.__typename === "TokenDelta")).toBe(true);
    expect(deltas.map((event) => event.index)).toEqual(deltas.map((_, index) => index));

    const decided = events[0]!;
    expect(decided).toMatchObject({ attempt: 1, provider: { id: "local" }, model: { id: "local/lorem" } });
    const finished = events.at(-1) as StreamEvent & { content: string; request: RecordedRequest & { costUsdDecimal: string; usageSource: string } };
    expect(finished.content).toBe(deltas.map((event) => event.text).join(""));
    expect(finished.request).toMatchObject({ id: decided.requestId, status: "SUCCEEDED", servedModel: "local/lorem", costUsd: 0 });
    expect(finished.request.costUsdDecimal).toMatch(/^0(\.0+)?$/);
    expect(finished.request.outputTokens).toBeGreaterThan(0);

    const [row] = await recorded([String(decided.requestId)]);
    expectUsage(row!);
    expect(row).toMatchObject({ protocol: "graphql", stream: true, requestedModel: "local/lorem", outputTokens: finished.request.outputTokens });
  });
});
