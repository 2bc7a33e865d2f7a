import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiKeys, providers } from "../../src/db/schema/index.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";
import { ADMIN_KEY, chat, CREATE_KEY, createKey, gql, startCluster, type Cluster } from "./support/cluster.js";

let cluster: Cluster;
let url: string;
let appKey: { id: string; secret: string };

beforeAll(async () => {
  cluster = await startCluster();
  url = cluster.primary.url;
  appKey = await createKey(url, { name: "app" });
});
afterAll(async () => {
  await cluster?.close();
});

/** Every admin operation with valid arguments: an APP key must get FORBIDDEN for each, and nothing may change. */
const ADMIN_OPERATIONS: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: "apiKeys", query: "{ apiKeys { id } }" },
  { name: "createApiKey", query: CREATE_KEY, variables: { input: { name: "sneaky", role: "ADMIN" } } },
  { name: "revokeApiKey", query: "mutation($id: ID!) { revokeApiKey(id: $id) { id } }", variables: { id: "00000000-0000-4000-8000-000000000000" } },
  { name: "setApiKeyBudget", query: "mutation($id: ID!) { setApiKeyBudget(id: $id, budget: null) { id } }", variables: { id: "00000000-0000-4000-8000-000000000000" } },
  { name: "upsertRoute", query: `mutation { upsertRoute(input: { name: "evil", strategy: FALLBACK, targets: [{ model: "openai/gpt-4o-mini" }] }) { id } }` },
  { name: "deleteRoute", query: `mutation { deleteRoute(id: "builtin:default") { id } }` },
  { name: "upsertProvider", query: `mutation { upsertProvider(input: { id: "evil", kind: OPENAI_COMPATIBLE, baseUrl: "http://127.0.0.1:1/v1", models: ["m"] }) { id } }` },
  { name: "setProviderEnabled", query: `mutation { setProviderEnabled(id: "openai", enabled: false) { id } }` },
  { name: "setModelEnabled", query: `mutation { setModelEnabled(id: "openai/gpt-4o-mini", enabled: false) { id } }` },
  { name: "setModelPricing", query: `mutation { setModelPricing(id: "openai/gpt-4o-mini", pricing: { inputPerMTok: 0, outputPerMTok: 0 }) { id } }` },
];

describe("authorization matrix", () => {
  for (const operation of ADMIN_OPERATIONS) {
    it(`${operation.name}: APP key → FORBIDDEN, no key → 401`, async () => {
      const asApp = await gql(url, appKey.secret, operation.query, operation.variables);
      expect(asApp.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      expect(asApp.body.data ?? null).toBeNull();
      const anonymous = await gql(url, null, operation.query, operation.variables);
      expect(anonymous.status).toBe(401);
    });
  }

  it("nothing was changed by the refused calls", async () => {
    const state = await gql(url, ADMIN_KEY, `{ routes { name } providers { id enabled } model(id: "openai/gpt-4o-mini") { enabled pricing { source } } apiKeys { name role } }`);
    const data = state.body.data as {
      routes: { name: string }[];
      providers: { id: string; enabled: boolean }[];
      model: { enabled: boolean; pricing: { source: string } };
      apiKeys: { name: string; role: string }[];
    };
    expect(data.routes.map((route) => route.name)).not.toContain("evil");
    expect(data.providers.find((provider) => provider.id === "openai")?.enabled).toBe(true);
    expect(data.providers.map((provider) => provider.id)).not.toContain("evil");
    expect(data.model.enabled).toBe(true);
    expect(data.model.pricing.source).not.toBe("override");
    expect(data.apiKeys.map((key) => key.name)).not.toContain("sneaky");
  });

  it("an APP key reads the routes and itself, and sees neither another key's conversations nor its requests", async () => {
    expect((await gql(url, appKey.secret, "{ routes { name } }")).body.data?.routes).toBeTruthy();
    const me = await gql(url, appKey.secret, "{ me { id role } }");
    expect(me.body.data?.me).toMatchObject({ id: appKey.id, role: "APP" });

    const other = await createKey(url, { name: "other app" });
    const conversation = await gql(url, other.secret, `mutation { createConversation(input: { title: "private" }) { id } }`);
    const conversationId = (conversation.body.data?.createConversation as { id: string }).id;
    const completion = await gql(
      url,
      other.secret,
      `mutation($input: CompletionInput!) { complete(input: $input) { request { id } } }`,
      { input: { model: "openai/gpt-4o-mini", messages: [{ role: "USER", content: "secret text" }] } },
    );
    const requestId = (completion.body.data?.complete as { request: { id: string } }).request.id;

    const read = await gql(url, appKey.secret, `query($id: ID!) { conversation(id: $id) { id title } }`, { id: conversationId });
    expect(read.body.data?.conversation ?? null).toBeNull();
    if (read.body.errors) expect(["NOT_FOUND", "FORBIDDEN"]).toContain(read.body.errors[0]?.extensions?.code);
    const list = await gql(url, appKey.secret, `{ conversations(first: 50) { edges { node { id } } } completionRequests(first: 50) { edges { node { id } } } }`);
    expect(JSON.stringify(list.body)).not.toContain(conversationId);
    expect(JSON.stringify(list.body)).not.toContain(requestId);
    const entity = await gql(url, appKey.secret, `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Conversation { id title } ... on CompletionRequest { id } } }`, {
      reps: [{ __typename: "Conversation", id: conversationId }, { __typename: "CompletionRequest", id: requestId }],
    });
    expect(JSON.stringify(entity.body.data ?? {})).not.toContain("private");
    expect((entity.body.data?._entities as unknown[] | undefined)?.every((value) => value === null) ?? true).toBe(true);
    // The owner still sees both.
    const own = await gql(url, other.secret, `query($id: ID!) { conversation(id: $id) { title } }`, { id: conversationId });
    expect(own.body.data?.conversation).toEqual({ title: "private" });
  });
});

describe("keys", () => {
  it("createApiKey returns the secret once, stores only its hash, and the key works at once", async () => {
    const result = await gql(url, ADMIN_KEY, CREATE_KEY, {
      input: { name: "limited", role: "APP", allowedModels: ["openai/gpt-4o-mini"], budgetUsd: 2.5, budgetPeriod: "MONTH", requestsPerMinute: 100, tokensPerMinute: 100000 },
    });
    const payload = result.body.data?.createApiKey as { secret: string; apiKey: Record<string, unknown> & { id: string; prefix: string } };
    expect(payload.secret).toMatch(/^sy-[\w-]{43}$/);
    expect(payload.secret.startsWith(payload.apiKey.prefix)).toBe(true);
    expect(payload.apiKey).toMatchObject({
      role: "APP",
      allowedModels: ["openai/gpt-4o-mini"],
      requestsPerMinute: 100,
      tokensPerMinute: 100000,
      budget: { limitUsd: 2.5, period: "MONTH", spentUsd: 0, reservedUsd: 0 },
      revokedAt: null,
    });
    expect(new Date((payload.apiKey.budget as { resetsAt: string }).resetsAt).getUTCDate()).toBe(1);
    const [row] = await cluster.database.db.select().from(apiKeys).where(eq(apiKeys.id, payload.apiKey.id));
    expect(JSON.stringify(row)).not.toContain(payload.secret);
    const listed = await gql(url, ADMIN_KEY, "{ apiKeys { id name prefix } }");
    expect(JSON.stringify(listed.body)).not.toContain(payload.secret);
    expect((listed.body.data?.apiKeys as { id: string }[]).some((key) => key.id === payload.apiKey.id)).toBe(true);
    const allowed = await chat(url, payload.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    expect(allowed.status).toBe(200);
    // The key sees its own budget and limits through `me`; the spend shows once the request settled.
    await expect
      .poll(async () => ((await gql(url, payload.secret, "{ me { requestsPerMinute budget { spentUsd reservedUsd period } } }")).body.data?.me as { budget: { spentUsd: number } }).budget.spentUsd)
      .toBeGreaterThan(0);
    const outside = await chat(url, payload.secret, { model: "local/echo", messages: [{ role: "user", content: "hi" }] });
    expect(outside.status).toBe(403);
  });

  it("revokeApiKey stops the key on the next request; setApiKeyBudget sets and removes a budget", async () => {
    const key = await createKey(url, { name: "short-lived" });
    expect((await chat(url, key.secret, { model: "local/echo", messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
    const budget = await gql(url, ADMIN_KEY, `mutation($id: ID!) { setApiKeyBudget(id: $id, budget: { limitUsd: 0.000001, period: DAY }) { budget { limitUsd period } } }`, { id: key.id });
    expect(budget.body.data?.setApiKeyBudget).toEqual({ budget: { limitUsd: 0.000001, period: "DAY" } });
    const refused = await chat(url, key.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 1000 });
    expect(refused.status).toBe(402);
    const removed = await gql(url, ADMIN_KEY, `mutation($id: ID!) { setApiKeyBudget(id: $id, budget: null) { budget { limitUsd } } }`, { id: key.id });
    expect(removed.body.data?.setApiKeyBudget).toEqual({ budget: null });
    expect((await chat(url, key.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], max_tokens: 1000 })).status).toBe(200);

    const revoked = await gql(url, ADMIN_KEY, `mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: key.id });
    expect((revoked.body.data?.revokeApiKey as { revokedAt: string }).revokedAt).toBeTruthy();
    expect((await chat(url, key.secret, { model: "local/echo", messages: [{ role: "user", content: "hi" }] })).status).toBe(401);
    expect((await gql(url, key.secret, "{ me { id } }")).status).toBe(401);
  });

  it("rejects invalid key input with BAD_USER_INPUT", async () => {
    for (const input of [
      { name: "", role: "APP" },
      { name: "x", role: "APP", budgetUsd: -1, budgetPeriod: "DAY" },
      { name: "x", role: "APP", budgetUsd: 1 },
      { name: "x", role: "APP", budgetUsd: 1e9, budgetPeriod: "DAY" },
      { name: "x", role: "APP", requestsPerMinute: 0 },
    ]) {
      const result = await gql(url, ADMIN_KEY, CREATE_KEY, { input });
      expect(result.body.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe("BAD_USER_INPUT");
    }
    const missing = await gql(url, ADMIN_KEY, `mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("routes", () => {
  const UPSERT = `mutation($input: UpsertRouteInput!) { upsertRoute(input: $input) { id name strategy targets { model weight priority } maxAttempts maxRetryAfterMs enabled updatedAt } }`;

  it("upsertRoute validates strategy, targets and weights", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "r", strategy: "FALLBACK", targets: [] }, "BAD_USER_INPUT"],
      [{ name: "r", strategy: "FALLBACK", targets: [{ model: "nope/unknown-model" }] }, "BAD_USER_INPUT"],
      [{ name: "r", strategy: "FALLBACK", targets: [{ model: "route:default" }] }, "BAD_USER_INPUT"],
      [{ name: "r", strategy: "WEIGHTED", targets: [{ model: "openai/gpt-4o-mini", weight: 0 }] }, "BAD_USER_INPUT"],
      [{ name: "bad name!", strategy: "AUTO" }, "BAD_USER_INPUT"],
      [{ name: "r", strategy: "SOMETIMES", targets: [{ model: "openai/gpt-4o-mini" }] }, "BAD_USER_INPUT"],
    ];
    for (const [input, code] of cases) {
      const result = await gql(url, ADMIN_KEY, UPSERT, { input });
      expect(result.body.errors?.[0]?.extensions?.code, JSON.stringify(input)).toBe(code);
    }
    const routes = await gql(url, ADMIN_KEY, "{ routes { name } }");
    expect((routes.body.data?.routes as { name: string }[]).map((route) => route.name)).not.toContain("r");
  });

  it("a route is created, used by the next request, replaced by name, and deleted", async () => {
    const created = await gql(url, ADMIN_KEY, UPSERT, { input: { name: "echo", strategy: "FALLBACK", targets: [{ model: "local/echo" }] } });
    const route = created.body.data?.upsertRoute as { id: string; maxRetryAfterMs: number; targets: unknown[] };
    expect(route).toMatchObject({ maxRetryAfterMs: 2000, targets: [{ model: "local/echo", weight: 1, priority: 0 }] });
    const used = await chat(url, appKey.secret, { model: "route:echo", messages: [{ role: "user", content: "ping" }] });
    expect(used.status).toBe(200);
    expect(JSON.stringify(used.json)).toContain("ping");
    const replaced = await gql(url, ADMIN_KEY, UPSERT, { input: { name: "echo", strategy: "FALLBACK", targets: [{ model: "openai/gpt-4o-mini" }], maxRetryAfterMs: 500 } });
    expect(replaced.body.data?.upsertRoute).toMatchObject({ id: route.id, maxRetryAfterMs: 500 });
    expect((await gql(url, appKey.secret, `query($id: ID!) { route(id: $id) { name targets { model } } }`, { id: route.id })).body.data?.route).toEqual({
      name: "echo",
      targets: [{ model: "openai/gpt-4o-mini" }],
    });
    const deleted = await gql(url, ADMIN_KEY, `mutation($id: ID!) { deleteRoute(id: $id) { name } }`, { id: route.id });
    expect(deleted.body.data?.deleteRoute).toEqual({ name: "echo" });
    expect((await chat(url, appKey.secret, { model: "route:echo", messages: [{ role: "user", content: "ping" }] })).status).toBe(404);
    const builtin = await gql(url, ADMIN_KEY, `mutation { deleteRoute(id: "builtin:default") { name } }`);
    expect(builtin.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("providers and models", () => {
  let compatible: FakeUpstream;
  const PROVIDER_SECRET = "sk-provider-secret-DO-NOT-LEAK-4242";

  beforeAll(async () => {
    compatible = await startFakeOpenAI({ apiKey: PROVIDER_SECRET, models: ["llama-fake-8b", "qwen-fake"] });
  });
  afterAll(async () => {
    await compatible?.close();
  });

  it("upsertProvider stores the key encrypted, discovers models, never returns or logs the key", async () => {
    const upsert = await gql(
      url,
      ADMIN_KEY,
      `mutation($input: UpsertProviderInput!) { upsertProvider(input: $input) { id kind name baseUrl enabled hasCredentials models { id } } }`,
      { input: { id: "vllm", kind: "OPENAI_COMPATIBLE", name: "vLLM box", baseUrl: compatible.baseUrl, apiKey: PROVIDER_SECRET } },
    );
    expect(upsert.body.errors).toBeUndefined();
    expect(upsert.body.data?.upsertProvider).toMatchObject({ id: "vllm", kind: "OPENAI_COMPATIBLE", hasCredentials: true, enabled: true });
    expect((upsert.body.data?.upsertProvider as { models: { id: string }[] }).models.map((model) => model.id).sort()).toEqual(["vllm/llama-fake-8b", "vllm/qwen-fake"]);
    const [row] = await cluster.database.db.select().from(providers).where(eq(providers.id, "vllm"));
    expect(row!.apiKeyCiphertext).toMatch(/^v1:/);
    expect(JSON.stringify(row)).not.toContain(PROVIDER_SECRET);

    // The stored key is used upstream (the fake answers 401 without it).
    const used = await chat(url, appKey.secret, { model: "vllm/llama-fake-8b", messages: [{ role: "user", content: "hello vllm" }] });
    expect(used.status).toBe(200);
    expect(compatible.requests.at(-1)?.headers.authorization).toBe(`Bearer ${PROVIDER_SECRET}`);

    const everything = await gql(url, ADMIN_KEY, `{ providers { id name kind baseUrl enabled hasCredentials models { id } } apiKeys { id name } routes { name } }`);
    expect(JSON.stringify(everything.body)).not.toContain(PROVIDER_SECRET);
    // A failing upsert echoes nothing of the key either.
    const failing = await gql(url, ADMIN_KEY, `mutation($input: UpsertProviderInput!) { upsertProvider(input: $input) { id } }`, {
      input: { id: "Bad Id", kind: "OPENAI_COMPATIBLE", baseUrl: compatible.baseUrl, apiKey: PROVIDER_SECRET },
    });
    expect(failing.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(failing.body)).not.toContain(PROVIDER_SECRET);
    expect(cluster.primary.logs().length).toBeGreaterThan(0);
    expect(cluster.primary.logs()).not.toContain(PROVIDER_SECRET);
  });

  it("setProviderEnabled, setModelEnabled and setModelPricing apply to the next request", async () => {
    const pricing = await gql(url, ADMIN_KEY, `mutation { setModelPricing(id: "openai/gpt-4o-mini", pricing: { inputPerMTok: 1000, outputPerMTok: 2000 }) { pricing { inputPerMTok outputPerMTok source } } }`);
    expect(pricing.body.data?.setModelPricing).toEqual({ pricing: { inputPerMTok: 1000, outputPerMTok: 2000, source: "override" } });
    cluster.upstream.script({ type: "reply", chunks: ["x"], usage: { inputTokens: 1000, outputTokens: 1000 } });
    const priced = await chat(url, appKey.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "cost?" }] });
    expect(Number(priced.headers.get("x-switchyard-cost-usd"))).toBeCloseTo(3, 9);
    const cleared = await gql(url, ADMIN_KEY, `mutation { setModelPricing(id: "openai/gpt-4o-mini", pricing: null) { pricing { source } } }`);
    expect((cleared.body.data?.setModelPricing as { pricing: { source: string } }).pricing.source).toMatch(/^catalog@/);

    const disabled = await gql(url, ADMIN_KEY, `mutation { setModelEnabled(id: "openai/gpt-4o-mini", enabled: false) { enabled } }`);
    expect(disabled.body.data?.setModelEnabled).toEqual({ enabled: false });
    expect((await chat(url, appKey.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).status).toBe(503);
    await gql(url, ADMIN_KEY, `mutation { setModelEnabled(id: "openai/gpt-4o-mini", enabled: true) { enabled } }`);
    expect((await chat(url, appKey.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] })).status).toBe(200);

    const off = await gql(url, ADMIN_KEY, `mutation { setProviderEnabled(id: "vllm", enabled: false) { enabled } }`);
    expect(off.body.data?.setProviderEnabled).toEqual({ enabled: false });
    expect((await chat(url, appKey.secret, { model: "vllm/qwen-fake", messages: [{ role: "user", content: "hi" }] })).status).toBe(503);
    const unknown = await gql(url, ADMIN_KEY, `mutation { setModelEnabled(id: "nope/none", enabled: false) { enabled } }`);
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});
