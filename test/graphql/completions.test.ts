import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData, graphqlRequest } from "../support/graphql-client.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import type { FakeUpstream } from "../support/fake-upstreams/index.js";
import { startFakeOpenAI, startGraphQLGateway, type GraphQLGateway } from "./start-graphql-gateway.js";
import { expectedCost, STREAM_SUBSCRIPTION, wsClient, type StreamEvent } from "./helpers.js";

const MODEL = "openai/gpt-4o-mini";
// Catalog price of gpt-4o-mini (USD per million tokens), from @pydantic/genai-prices.
const INPUT_PRICE = 0.15;
const OUTPUT_PRICE = 0.6;

let database: TestDatabase;
let openai: FakeUpstream;
let server: GraphQLGateway;

beforeAll(async () => {
  [database, openai] = await Promise.all([createTestDatabase(), startFakeOpenAI()]);
  server = await startGraphQLGateway(database, openai);
});

afterAll(async () => {
  await server?.close();
  await openai?.close();
  await database?.dispose();
});

async function collect(input: Record<string, unknown>): Promise<StreamEvent[]> {
  const client = wsClient(server.url, server.adminKey);
  const events: StreamEvent[] = [];
  try {
    for await (const result of client.iterate<{ completionStream: StreamEvent }>({ query: STREAM_SUBSCRIPTION, variables: { input } })) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      events.push(result.data!.completionStream);
    }
  } finally {
    await client.dispose();
  }
  return events;
}

describe("completionStream over graphql-ws", () => {
  it("streams the route decision, every delta in order, then the settled request with exact usage and cost", async () => {
    const chunks = ["Hel", "lo", ", ", "wor", "ld", "!"];
    openai.script({ type: "reply", chunks, usage: { inputTokens: 1234, outputTokens: 56 }, chunkIntervalMs: 5 });
    const events = await collect({ model: MODEL, messages: [{ role: "USER", content: "greet me" }] });

    expect(events.map((event) => event.__typename)).toEqual(["RouteDecided", ...chunks.map(() => "TokenDelta"), "CompletionFinished"]);
    const decided = events[0]!;
    expect(decided).toMatchObject({ attempt: 1, provider: { id: "openai" }, model: { id: MODEL } });
    const deltas = events.filter((event) => event.__typename === "TokenDelta");
    expect(deltas.map((event) => event.index)).toEqual(chunks.map((_, index) => index));
    expect(deltas.map((event) => event.text).join("")).toBe(chunks.join(""));
    const finished = events.at(-1)!;
    expect(finished.content).toBe(chunks.join(""));
    expect(finished.message).toBeNull();
    expect(finished.request).toMatchObject({
      id: decided.requestId,
      status: "SUCCEEDED",
      inputTokens: 1234,
      outputTokens: 56,
      usageSource: "REPORTED",
      servedModel: MODEL,
      costUsdDecimal: expectedCost(1234, 56, INPUT_PRICE, OUTPUT_PRICE),
      attempts: [{ providerId: "openai", modelId: MODEL, status: "SUCCEEDED" }],
    });
    expect((finished.request as { costUsd: number }).costUsd).toBeCloseTo(0.0002187, 12);
  });

  it("refuses an unknown model with a GraphQL error carrying extensions.code (no row, no upstream call)", async () => {
    const before = openai.requests.length;
    const failure = await collect({ model: "openai/no-such-model", content: "hi" }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure instanceof Error ? failure.message : JSON.stringify(failure)).toContain('"code":"NOT_FOUND"');
    expect(openai.requests.length).toBe(before);
  });

  it("ends with CompletionFailed (and the FAILED row) when the upstream fails", async () => {
    openai.script({ type: "error", status: 400, message: "bad prompt" });
    const events = await collect({ model: MODEL, content: "fail please" });
    expect(events.map((event) => event.__typename)).toEqual(["RouteDecided", "CompletionFailed"]);
    expect(events[1]).toMatchObject({ code: "BAD_USER_INPUT", request: { id: events[0]!.requestId, status: "FAILED" } });
  });

  it("aborts a silent upstream within 100 ms of unsubscribing and settles the request as ABORTED", async () => {
    openai.script({ type: "stall", afterFirstChunk: true, chunks: ["thinking"] });
    const client = wsClient(server.url, server.adminKey);
    const iterator = client.iterate<{ completionStream: StreamEvent }>({ query: STREAM_SUBSCRIPTION, variables: { input: { model: MODEL, content: "think hard" } } });
    let requestId = "";
    for (;;) {
      const next = await iterator.next();
      const event = next.value!.data!.completionStream;
      requestId = String(event.requestId);
      if (event.__typename === "TokenDelta") break;
    }
    expect(openai.openSockets()).toBeGreaterThan(0);
    const unsubscribed = performance.now();
    await iterator.return?.();
    await expect.poll(() => openai.openSockets(), { interval: 2, timeout: 1_000 }).toBe(0);
    expect(performance.now() - unsubscribed).toBeLessThan(100);
    await client.dispose();

    const aborted = async () => {
      const data = await graphqlData<{ completionRequests: { edges: { node: { id: string; status: string; usageSource: string; outputTokens: number } }[] } }>(
        server.url,
        server.adminKey,
        `{ completionRequests(first: 50, filter: { status: ABORTED }) { edges { node { id status usageSource outputTokens } } } }`,
      );
      return data.completionRequests.edges.map((edge) => edge.node).find((node) => node.id === requestId);
    };
    await expect.poll(async () => (await aborted())?.status, { timeout: 5_000 }).toBe("ABORTED");
    const row = await aborted();
    expect(row?.usageSource).toBe("ESTIMATED");
    expect(row?.outputTokens).toBeGreaterThan(0);
  });

  it("rejects a subscription sent over HTTP POST with a clear error", async () => {
    const response = await graphqlRequest(server.url, STREAM_SUBSCRIPTION, { key: server.adminKey, variables: { input: { content: "x" } } });
    expect(response.body.errors?.[0]?.message).toMatch(/graphql-ws/);
    expect(response.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("complete and conversations over HTTP", () => {
  it("complete returns the content, finish reason and the stored request", async () => {
    openai.script({ type: "reply", chunks: ["4"], usage: { inputTokens: 20, outputTokens: 1 } });
    const data = await graphqlData<{ complete: { content: string; finishReason: string; message: null; request: Record<string, unknown> } }>(
      server.url,
      server.adminKey,
      `mutation($input: CompletionInput!) { complete(input: $input) { content finishReason message { id } request { status inputTokens outputTokens costUsdDecimal stream protocol } } }`,
      { input: { model: MODEL, messages: [{ role: "SYSTEM", content: "be brief" }, { role: "USER", content: "2+2?" }], maxTokens: 5 } },
    );
    expect(data.complete).toMatchObject({ content: "4", finishReason: "stop", message: null });
    expect(data.complete.request).toEqual({ status: "SUCCEEDED", inputTokens: 20, outputTokens: 1, costUsdDecimal: expectedCost(20, 1, INPUT_PRICE, OUTPUT_PRICE), stream: false, protocol: "graphql" });
    const sent = openai.requests.at(-1)!.body as { messages: { role: string; content: string }[]; max_tokens?: number; max_completion_tokens?: number };
    expect(sent.messages).toEqual([{ role: "system", content: "be brief" }, { role: "user", content: "2+2?" }]);
  });

  it("sendMessage carries the history into the next upstream request and stores every message", async () => {
    const created = await graphqlData<{ createConversation: { id: string; title: string } }>(
      server.url,
      server.adminKey,
      `mutation { createConversation(input: { title: "Trip", model: "${MODEL}", systemPrompt: "You plan trips." }) { id title } }`,
    );
    const conversationId = created.createConversation.id;
    const send = `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
      conversation { id totalTokens totalCostUsd }
      userMessage { role content }
      assistantMessage { role content request { id inputTokens outputTokens } }
      request { id status conversation { id } }
    } }`;
    openai.script({ type: "reply", chunks: ["Go ", "to ", "Rome."], usage: { inputTokens: 30, outputTokens: 3 } });
    const first = await graphqlData<{ sendMessage: Record<string, any> }>(server.url, server.adminKey, send, { input: { conversationId, content: "Where to?" } });
    expect(first.sendMessage.userMessage).toEqual({ role: "USER", content: "Where to?" });
    expect(first.sendMessage.assistantMessage).toMatchObject({ role: "ASSISTANT", content: "Go to Rome.", request: { inputTokens: 30, outputTokens: 3 } });
    expect(first.sendMessage.request).toMatchObject({ status: "SUCCEEDED", conversation: { id: conversationId } });

    openai.script({ type: "reply", chunks: ["Three days."], usage: { inputTokens: 45, outputTokens: 2 } });
    const second = await graphqlData<{ sendMessage: Record<string, any> }>(server.url, server.adminKey, send, { input: { conversationId, content: "How long?" } });
    const upstream = openai.requests.at(-1)!.body as { messages: { role: string; content: string }[]; model: string };
    expect(upstream.model).toBe("gpt-4o-mini");
    expect(upstream.messages).toEqual([
      { role: "system", content: "You plan trips." },
      { role: "user", content: "Where to?" },
      { role: "assistant", content: "Go to Rome." },
      { role: "user", content: "How long?" },
    ]);
    expect(second.sendMessage.conversation.totalTokens).toBe(30 + 3 + 45 + 2);
    expect(second.sendMessage.conversation.totalCostUsd).toBeCloseTo(Number(expectedCost(75, 5, INPUT_PRICE, OUTPUT_PRICE)), 12);

    // Messages page oldest first with opaque cursors.
    const page = `query($id: ID!, $after: String) { conversation(id: $id) { messages(first: 3, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { role content } } } } }`;
    const one = await graphqlData<{ conversation: { messages: any } }>(server.url, server.adminKey, page, { id: conversationId });
    expect(one.conversation.messages.totalCount).toBe(4);
    expect(one.conversation.messages.edges.map((edge: any) => edge.node.content)).toEqual(["Where to?", "Go to Rome.", "How long?"]);
    expect(one.conversation.messages.pageInfo.hasNextPage).toBe(true);
    const two = await graphqlData<{ conversation: { messages: any } }>(server.url, server.adminKey, page, { id: conversationId, after: one.conversation.messages.pageInfo.endCursor });
    expect(two.conversation.messages.edges.map((edge: any) => edge.node.content)).toEqual(["Three days."]);
    expect(two.conversation.messages.pageInfo).toEqual({ hasNextPage: false, endCursor: two.conversation.messages.edges[0].cursor });
  });

  it("completionStream with a conversationId stores both messages", async () => {
    const { createConversation } = await graphqlData<{ createConversation: { id: string } }>(server.url, server.adminKey, `mutation { createConversation(input: { title: "streamed" }) { id } }`);
    openai.script({ type: "reply", chunks: ["a", "b"], usage: { inputTokens: 7, outputTokens: 2 } });
    const events = await collect({ model: MODEL, conversationId: createConversation.id, content: "letters" });
    const finished = events.at(-1)!;
    expect(finished.__typename).toBe("CompletionFinished");
    expect(finished.message).toMatchObject({ role: "ASSISTANT", content: "ab" });
    const data = await graphqlData<{ conversation: { messages: { edges: { node: { role: string; content: string; request: { id: string } | null } }[] } } }>(
      server.url,
      server.adminKey,
      `query($id: ID!) { conversation(id: $id) { messages { edges { node { role content request { id } } } } } }`,
      { id: createConversation.id },
    );
    expect(data.conversation.messages.edges.map((edge) => [edge.node.role, edge.node.content, edge.node.request?.id ?? null])).toEqual([
      ["USER", "letters", null],
      ["ASSISTANT", "ab", finished.requestId],
    ]);
  });

  it("paginates conversations newest first and deletes them", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) {
      const data = await graphqlData<{ createConversation: { id: string } }>(server.url, server.adminKey, `mutation { createConversation(input: { title: "page ${index}" }) { id } }`);
      ids.push(data.createConversation.id);
    }
    const query = `query($after: String) { conversations(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { conversations: any } = await graphqlData(server.url, server.adminKey, query, { after });
      seen.push(...data.conversations.edges.map((edge: any) => edge.node.id));
      if (!data.conversations.pageInfo.hasNextPage) break;
      after = data.conversations.pageInfo.endCursor;
    }
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
    const deleted = await graphqlData<{ deleteConversation: boolean }>(server.url, server.adminKey, `mutation($id: ID!) { deleteConversation(id: $id) }`, { id: ids[0] });
    expect(deleted.deleteConversation).toBe(true);
    const gone = await graphqlData<{ conversation: null }>(server.url, server.adminKey, `query($id: ID!) { conversation(id: $id) { id } }`, { id: ids[0] });
    expect(gone.conversation).toBeNull();
  });
});
