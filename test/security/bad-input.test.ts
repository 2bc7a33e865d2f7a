import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { executeRows } from "../../src/db/client.js";
import { ADMIN_KEY, createKey, gql, startCluster, type Cluster } from "../admin/support/cluster.js";

/**
 * The bad-input catalogue (GraphQL and REST): each bad request gets a 4xx or a GraphQL error with
 * the right code, the server keeps serving (a valid request right after succeeds) and nothing is
 * half-written (no completion request row, no budget reservation, no conversation).
 */
let cluster: Cluster;
let url: string;
let key: { id: string; secret: string };
let revoked: { id: string; secret: string };

async function counts(): Promise<string> {
  const [row] = await executeRows(
    cluster.database.db,
    sql`select (select count(*) from completion_requests) as requests, (select count(*) from budget_reservations) as reservations,
               (select count(*) from conversations) as conversations, (select count(*) from messages) as messages`,
  );
  return JSON.stringify(row);
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key.secret}`, ...headers },
    body,
  });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

const VALID_REST = JSON.stringify({ model: "local/echo", messages: [{ role: "user", content: "still alive" }] });
const COMPLETE = `mutation($input: CompletionInput!) { complete(input: $input) { content } }`;

beforeAll(async () => {
  cluster = await startCluster({ SWITCHYARD_BODY_LIMIT: String(1024 * 1024) });
  url = cluster.primary.url;
  key = await createKey(url, { name: "bad-input", budgetUsd: 100, budgetPeriod: "DAY", requestsPerMinute: 100_000 });
  revoked = await createKey(url, { name: "revoked" });
  await gql(url, ADMIN_KEY, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: revoked.id });
});
afterAll(async () => {
  await cluster?.close();
});

let before = "";
beforeEach(async () => {
  // Rows of the previous test's valid requests are written in batches: flush them before counting.
  await cluster.primary.app!.gateway.requestLog.flush();
  before = await counts();
});

/** After each refused request: nothing written, and a valid request on both APIs succeeds. */
async function expectNothingWrittenAndStillServing(): Promise<void> {
  expect(await counts()).toBe(before);
  const rest = await post("/v1/chat/completions", VALID_REST);
  expect(rest.status).toBe(200);
  const graphql = await gql(url, key.secret, `{ me { id } }`);
  expect(graphql.body.data?.me).toEqual({ id: key.id });
}

describe("REST /v1/chat/completions", () => {
  const cases: { name: string; body: string; status: number; headers?: Record<string, string> }[] = [
    { name: "malformed JSON", body: '{"model": "local/echo", "messages": [', status: 400 },
    { name: "wrong types", body: JSON.stringify({ model: 42, messages: "hello" }), status: 400 },
    { name: "empty messages", body: JSON.stringify({ model: "local/echo", messages: [] }), status: 400 },
    { name: "unknown model", body: JSON.stringify({ model: "nope/not-a-model", messages: [{ role: "user", content: "x" }] }), status: 404 },
    { name: "unknown route", body: JSON.stringify({ model: "route:nope", messages: [{ role: "user", content: "x" }] }), status: 404 },
    { name: "negative max_tokens", body: JSON.stringify({ model: "local/echo", messages: [{ role: "user", content: "x" }], max_tokens: -5 }), status: 400 },
    { name: "huge max_tokens", body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "x" }], max_tokens: 1e12 }), status: 400 },
    { name: "a 10 MB body", body: JSON.stringify({ model: "local/echo", messages: [{ role: "user", content: "x".repeat(10 * 1024 * 1024) }] }), status: 413 },
    { name: "a malformed key", body: VALID_REST, status: 401, headers: { authorization: "Bearer not a key at all" } },
    { name: "a revoked key", body: VALID_REST, status: 401, headers: { authorization: "Bearer REVOKED" } },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.status}`, async () => {
      const headers = testCase.headers?.authorization === "Bearer REVOKED" ? { authorization: `Bearer ${revoked.secret}` } : testCase.headers;
      const response = await post("/v1/chat/completions", testCase.body, headers);
      expect(response.status, response.text.slice(0, 300)).toBe(testCase.status);
      const error = (JSON.parse(response.text) as { error?: { message?: string; type?: string } }).error;
      expect(error?.message).toBeTruthy();
      expect(response.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      if (testCase.name === "unknown model") expect(response.text).toContain("model_not_found");
      await expectNothingWrittenAndStillServing();
    });
  }

  it("the Anthropic route refuses the same bad inputs", async () => {
    for (const [body, status] of [
      ['{"model":', 400],
      [JSON.stringify({ model: "local/echo", max_tokens: 10, messages: [] }), 400],
      [JSON.stringify({ model: "nope/x", max_tokens: 10, messages: [{ role: "user", content: "x" }] }), 404],
      [JSON.stringify({ model: "local/echo", max_tokens: -1, messages: [{ role: "user", content: "x" }] }), 400],
    ] as const) {
      const response = await post("/v1/messages", body, { "anthropic-version": "2023-06-01" });
      expect(response.status, `${body.slice(0, 80)} → ${response.text.slice(0, 200)}`).toBe(status);
      expect(JSON.parse(response.text)).toMatchObject({ type: "error" });
    }
    await expectNothingWrittenAndStillServing();
  });
});

describe("GraphQL", () => {
  const messages = [{ role: "USER", content: "x" }];
  const cases: { name: string; query: string; variables?: Record<string, unknown>; codes: string[] }[] = [
    { name: "wrong types", query: COMPLETE, variables: { input: { model: "local/echo", messages, maxTokens: "ten" } }, codes: ["BAD_USER_INPUT"] },
    { name: "empty messages", query: COMPLETE, variables: { input: { model: "local/echo", messages: [] } }, codes: ["BAD_USER_INPUT"] },
    { name: "unknown model", query: COMPLETE, variables: { input: { model: "nope/not-a-model", messages } }, codes: ["NOT_FOUND"] },
    { name: "unknown route", query: COMPLETE, variables: { input: { model: "route:nope", messages } }, codes: ["NOT_FOUND"] },
    { name: "negative maxTokens", query: COMPLETE, variables: { input: { model: "local/echo", messages, maxTokens: -5 } }, codes: ["BAD_USER_INPUT"] },
    { name: "huge maxTokens", query: COMPLETE, variables: { input: { model: "openai/gpt-4o-mini", messages, maxTokens: 2_000_000_000 } }, codes: ["BAD_USER_INPUT"] },
    { name: "an unknown field", query: `{ me { id secretHash } }`, codes: ["GRAPHQL_VALIDATION_FAILED"] },
    { name: "a query 50 levels deep", query: `{ ${"providers { models { ".repeat(25)} id ${"} } ".repeat(25)} }`, codes: ["GRAPHQL_VALIDATION_FAILED"] },
    {
      name: "1,000 aliases",
      query: `{ ${Array.from({ length: 1000 }, (_, index) => `a${index}: routes { name }`).join(" ")} }`,
      codes: ["GRAPHQL_VALIDATION_FAILED"],
    },
    { name: "a syntax error", query: `{ me { id `, codes: ["GRAPHQL_PARSE_FAILED"] },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} → ${testCase.codes.join("/")}`, async () => {
      const result = await gql(url, key.secret, testCase.query, testCase.variables);
      expect(result.status).toBeLessThan(500);
      expect(result.body.errors?.length, JSON.stringify(result.body).slice(0, 300)).toBeGreaterThan(0);
      expect(testCase.codes).toContain(result.body.errors![0]!.extensions?.code);
      expect(JSON.stringify(result.body)).not.toContain("stacktrace");
      await expectNothingWrittenAndStillServing();
    });
  }

  it("malformed JSON, a 10 MB body, malformed and revoked keys", async () => {
    const malformed = await post("/graphql", "{ this is not json");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const huge = await post("/graphql", JSON.stringify({ query: `{ me { id } }`, variables: { padding: "x".repeat(10 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    for (const header of ["Bearer sy-not-a-real-key", "Basic abc", "Bearer", `Bearer ${revoked.secret}`]) {
      const response = await post("/graphql", JSON.stringify({ query: "{ me { id } }" }), { authorization: header });
      expect(response.status, header).toBe(401);
      expect(JSON.parse(response.text).errors[0].extensions.code).toBe("UNAUTHENTICATED");
    }
    await expectNothingWrittenAndStillServing();
  });

  it("a deep or alias-heavy subscription is refused over graphql-ws too", async () => {
    const { createClient } = await import("graphql-ws");
    const { WebSocket } = await import("ws");
    const client = createClient({ url: url.replace("http", "ws") + "/graphql", webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key.secret}` }, retryAttempts: 0 });
    try {
      const aliases = Array.from({ length: 200 }, (_, index) => `a${index}: __schema { queryType { name } }`).join(" ");
      const outcome = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `subscription { ${aliases} }` }, { next: resolve, error: resolve, complete: () => resolve("complete") });
      });
      expect(JSON.stringify(outcome)).toMatch(/alias|validation|Subscription|Cannot query/i);
      const deep = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: `query { ${"providers { models { ".repeat(25)} id ${"} } ".repeat(25)} }` }, { next: resolve, error: resolve, complete: () => resolve("complete") });
      });
      expect(JSON.stringify(deep)).toMatch(/depth|validation/i);
    } finally {
      await client.dispose();
    }
    await expectNothingWrittenAndStillServing();
  });
});

describe("introspection", () => {
  it("is on by default", async () => {
    const result = await gql(url, key.secret, `{ __schema { queryType { name } } }`);
    expect(result.body.data).toEqual({ __schema: { queryType: { name: "Query" } } });
  });
});
