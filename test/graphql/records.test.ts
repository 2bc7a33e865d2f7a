import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sumUsd } from "../../src/core/pricing/money.js";
import { graphqlData } from "../support/graphql-client.js";
import { createApiKey } from "../support/start-gateway.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import type { FakeUpstream } from "../support/fake-upstreams/index.js";
import { startFakeOpenAI, startGraphQLGateway, type GraphQLGateway } from "./start-graphql-gateway.js";
import { expectedCost } from "./helpers.js";

const MINI = { id: "openai/gpt-4o-mini", input: 0.15, output: 0.6 };
const FOUR_O = { id: "openai/gpt-4o", input: 2.5, output: 10 };

let database: TestDatabase;
let openai: FakeUpstream;
let server: GraphQLGateway;
let appKey: string;

beforeAll(async () => {
  [database, openai] = await Promise.all([createTestDatabase(), startFakeOpenAI()]);
  server = await startGraphQLGateway(database, openai);
  appKey = (await createApiKey(server.url, server.adminKey, { name: "app", role: "APP" })).secret;
});

afterAll(async () => {
  await server?.close();
  await openai?.close();
  await database?.dispose();
});

async function complete(key: string, model: string, inputTokens: number, outputTokens: number, conversationId?: string): Promise<void> {
  openai.script({ type: "reply", chunks: ["ok"], usage: { inputTokens, outputTokens } });
  await graphqlData(server.url, key, `mutation($input: CompletionInput!) { complete(input: $input) { content } }`, {
    input: { model, content: "hi", conversationId },
  });
}

describe("completion records and usage", () => {
  const calls = [
    { key: "admin", model: MINI, input: 100, output: 10 },
    { key: "admin", model: FOUR_O, input: 200, output: 20 },
    { key: "app", model: MINI, input: 300, output: 30 },
    { key: "app", model: MINI, input: 7, output: 3 },
  ] as const;

  beforeAll(async () => {
    for (const call of calls) await complete(call.key === "admin" ? server.adminKey : appKey, call.model.id, call.input, call.output);
  });

  it("aggregates usage in SQL per model and matches hand-computed sums", async () => {
    const data = await graphqlData<{ usage: { buckets: any[]; total: any } }>(
      server.url,
      server.adminKey,
      `{ usage(groupBy: MODEL) { groupBy buckets { key requests inputTokens outputTokens costUsdDecimal } total { requests inputTokens outputTokens costUsdDecimal } } }`,
    );
    const cost = (call: (typeof calls)[number]) => expectedCost(call.input, call.output, call.model.input, call.model.output);
    const sum = (list: readonly (typeof calls)[number][]) => list.map(cost).reduce((a, b) => sumUsd(a, b), "0");
    const minis = calls.filter((call) => call.model === MINI);
    const fours = calls.filter((call) => call.model === FOUR_O);
    expect(data.usage.buckets).toEqual([
      { key: FOUR_O.id, requests: 1, inputTokens: 200, outputTokens: 20, costUsdDecimal: sum(fours) },
      { key: MINI.id, requests: 3, inputTokens: 407, outputTokens: 43, costUsdDecimal: sum(minis) },
    ]);
    expect(data.usage.total).toEqual({ requests: 4, inputTokens: 607, outputTokens: 63, costUsdDecimal: sum(calls) });
  });

  it("an APP key sees only its own requests and usage", async () => {
    const usage = await graphqlData<{ usage: { total: { requests: number; inputTokens: number } } }>(server.url, appKey, `{ usage(groupBy: DAY) { total { requests inputTokens } } }`);
    expect(usage.usage.total).toEqual({ requests: 2, inputTokens: 307 });
    const list = await graphqlData<{ completionRequests: { totalCount: number } }>(server.url, appKey, `{ completionRequests { totalCount } }`);
    expect(list.completionRequests.totalCount).toBe(2);
  });

  it("pages completion requests newest first with a filter", async () => {
    const query = `query($after: String, $filter: CompletionRequestFilter) { completionRequests(first: 2, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { inputTokens servedModel provider { id } model { id } } } } }`;
    const seen: number[] = [];
    let after: string | null = null;
    for (;;) {
      const data: { completionRequests: any } = await graphqlData(server.url, server.adminKey, query, { after, filter: { model: MINI.id } });
      expect(data.completionRequests.totalCount).toBe(3);
      seen.push(...data.completionRequests.edges.map((edge: any) => edge.node.inputTokens));
      for (const edge of data.completionRequests.edges) expect(edge.node).toMatchObject({ servedModel: MINI.id, provider: { id: "openai" }, model: { id: MINI.id } });
      if (!data.completionRequests.pageInfo.hasNextPage) break;
      after = data.completionRequests.pageInfo.endCursor;
    }
    expect(seen).toEqual([7, 300, 100]);
  });
});

describe("no N+1", () => {
  const QUERY = `{ conversations(first: 20) { edges { node { id totalTokens totalCostUsd
    messages(first: 2) { totalCount edges { node { id role request { id status costUsd conversation { id } } } } } } } } }`;

  async function seedConversations(count: number): Promise<void> {
    for (let index = 0; index < count; index++) {
      const { createConversation } = await graphqlData<{ createConversation: { id: string } }>(server.url, appKey, `mutation { createConversation(input: { title: "n${index}", model: "${MINI.id}" }) { id } }`);
      await complete(appKey, MINI.id, 10, 2, createConversation.id);
    }
  }

  async function countQueries(): Promise<{ queries: number; conversations: number }> {
    database.queries.reset();
    const data = await graphqlData<{ conversations: { edges: { node: { messages: { edges: unknown[] } } }[] } }>(server.url, appKey, QUERY);
    const queries = database.queries.count;
    for (const edge of data.conversations.edges) expect(edge.node.messages.edges.length).toBe(2);
    return { queries, conversations: data.conversations.edges.length };
  }

  it("the query count for conversations × messages × requests does not grow with the number of conversations", async () => {
    await seedConversations(2);
    const small = await countQueries();
    await seedConversations(18);
    const large = await countQueries();
    expect(small.conversations).toBe(2);
    expect(large.conversations).toBe(20);
    expect(large.queries).toBe(small.queries);
    expect(large.queries).toBeLessThanOrEqual(6);
  });
});
