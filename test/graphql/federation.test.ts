import { readFile } from "node:fs/promises";
import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import type { FakeUpstream } from "../support/fake-upstreams/index.js";
import { startFakeOpenAI, startGraphQLGateway, type GraphQLGateway } from "./start-graphql-gateway.js";

const ACCOUNTS_SDL = new URL("../foundation/fixtures/accounts.subgraph.graphql", import.meta.url);

let database: TestDatabase;
let openai: FakeUpstream;
let server: GraphQLGateway;
let accounts: ApolloServer;
let supergraph: ApolloServer;

/** The accounts subgraph fixture as a real HTTP server: every conversation is owned by Ada. */
async function startAccounts(): Promise<{ server: ApolloServer; url: string }> {
  const typeDefs = parse(await readFile(ACCOUNTS_SDL, "utf8"));
  const ada = { id: "user-1", email: "ada@example.com", displayName: "Ada" };
  const schema = buildSubgraphSchema({
    typeDefs,
    resolvers: {
      Query: { user: () => ada },
      Conversation: { owner: () => ada },
      User: { __resolveReference: () => ada },
    },
  });
  const apollo = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: "127.0.0.1" } });
  return { server: apollo, url };
}

beforeAll(async () => {
  [database, openai] = await Promise.all([createTestDatabase(), startFakeOpenAI()]);
  server = await startGraphQLGateway(database, openai);
  const started = await startAccounts();
  accounts = started.server;
  const gateway = new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: "switchyard", url: `${server.url}/graphql` },
        { name: "accounts", url: started.url },
      ],
    }),
    // The router forwards the caller's key to Switchyard (every subgraph call is authenticated).
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource({
        url,
        willSendRequest: ({ request }) => {
          request.http?.headers.set("authorization", `Bearer ${server.adminKey}`);
        },
      }),
  });
  supergraph = new ApolloServer({ gateway });
  await supergraph.start();
});

afterAll(async () => {
  await supergraph?.stop();
  await accounts?.stop();
  await server?.close();
  await openai?.close();
  await database?.dispose();
});

describe("federation through @apollo/gateway", () => {
  it("resolves Conversation fields from both subgraphs, entities batched through the loaders", async () => {
    const ids: string[] = [];
    for (const title of ["first", "second", "third"]) {
      const { createConversation } = await graphqlData<{ createConversation: { id: string } }>(server.url, server.adminKey, `mutation { createConversation(input: { title: "${title}" }) { id } }`);
      ids.push(createConversation.id);
    }
    const response = await supergraph.executeOperation({
      query: `{ conversations(first: 10) { totalCount edges { node { id title totalTokens owner { id email displayName } } } } }`,
    });
    expect(response.body.kind).toBe("single");
    const result = response.body.kind === "single" ? response.body.singleResult : null;
    expect(result?.errors).toBeUndefined();
    const data = result?.data as { conversations: { totalCount: number; edges: { node: Record<string, unknown> }[] } };
    expect(data.conversations.totalCount).toBe(3);
    expect(data.conversations.edges.map((edge) => edge.node)).toEqual(
      [...ids].reverse().map((id, index) => ({ id, title: ["third", "second", "first"][index], totalTokens: 0, owner: { id: "user-1", email: "ada@example.com", displayName: "Ada" } })),
    );

    // _entities for Conversation references (what the router sends when another subgraph starts the query).
    database.queries.reset();
    const entities = await graphqlData<{ _entities: ({ id: string; title: string } | null)[] }>(
      server.url,
      server.adminKey,
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Conversation { id title } } }`,
      { representations: [...ids, "00000000-0000-4000-8000-000000000000"].map((id) => ({ __typename: "Conversation", id })) },
    );
    expect(entities._entities.map((entity) => entity?.title ?? null)).toEqual(["first", "second", "third", null]);
    expect(database.queries.count).toBe(1);
  });
});
