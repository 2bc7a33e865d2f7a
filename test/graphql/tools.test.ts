import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client.js";
import type { FakeUpstream } from "../support/fake-upstreams/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { startFakeOpenAI, startGraphQLGateway, type GraphQLGateway } from "./start-graphql-gateway.js";
import { wsClient, type StreamEvent } from "./helpers.js";

const WEATHER_TOOL = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

const COMPLETE = /* GraphQL */ `
  mutation Complete($input: CompletionInput!) {
    complete(input: $input) { content finishReason toolCalls { id name arguments } request { id status } }
  }
`;

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

type CompleteResult = { complete: { content: string; finishReason: string; toolCalls: { id: string; name: string; arguments: string }[] } };

describe("tool calls over GraphQL", () => {
  it("returns the model's tool calls and carries a tool round trip upstream", async () => {
    openai.script({ type: "reply", toolCalls: [{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }], finishReason: "tool_calls" });
    const first = await graphqlData<CompleteResult>(server.url, server.adminKey, COMPLETE, {
      input: { model: "openai/gpt-4o-mini", tools: [WEATHER_TOOL], messages: [{ role: "USER", content: "Weather in Paris?" }] },
    });
    expect(first.complete.finishReason).toBe("tool_calls");
    expect(first.complete.toolCalls).toEqual([{ id: "call_1", name: "get_weather", arguments: '{"city":"Paris"}' }]);
    expect(openai.requests.at(-1)!.body).toMatchObject({ tools: [{ type: "function", function: { name: "get_weather" } }] });

    openai.script({ type: "reply", chunks: ["It is sunny in Paris."] });
    const second = await graphqlData<CompleteResult>(server.url, server.adminKey, COMPLETE, {
      input: {
        model: "openai/gpt-4o-mini",
        tools: [WEATHER_TOOL],
        messages: [
          { role: "USER", content: "Weather in Paris?" },
          { role: "ASSISTANT", content: "", toolCalls: first.complete.toolCalls },
          { role: "TOOL", content: '{"sky":"clear","celsius":21}', toolCallId: "call_1" },
        ],
      },
    });
    expect(second.complete.content).toBe("It is sunny in Paris.");
    expect(second.complete.toolCalls).toEqual([]);
    const sent = openai.requests.at(-1)!.body as { messages: Record<string, unknown>[] };
    expect(sent.messages[1]).toMatchObject({ role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } }] });
    expect(sent.messages[2]).toMatchObject({ role: "tool", tool_call_id: "call_1", content: '{"sky":"clear","celsius":21}' });
  });

  it("ends a stream with the tool calls in CompletionFinished", async () => {
    openai.script({ type: "reply", toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}' }], finishReason: "tool_calls" });
    const client = wsClient(server.url, server.adminKey);
    const events: StreamEvent[] = [];
    try {
      const query = `subscription S($input: CompletionInput!) { completionStream(input: $input) {
        __typename ... on CompletionFinished { finishReason toolCalls { id name arguments } } } }`;
      for await (const result of client.iterate<{ completionStream: StreamEvent }>({
        query,
        variables: { input: { model: "openai/gpt-4o-mini", tools: [WEATHER_TOOL], content: "Weather in Oslo?" } },
      })) {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        events.push(result.data!.completionStream);
      }
    } finally {
      await client.dispose();
    }
    expect(events.at(-1)).toEqual({
      __typename: "CompletionFinished",
      finishReason: "tool_calls",
      toolCalls: [{ id: "call_9", name: "get_weather", arguments: '{"city":"Oslo"}' }],
    });
  });
});
