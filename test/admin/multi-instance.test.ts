import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseUsd } from "../../src/core/pricing/index.js";
import { executeRows } from "../../src/db/client.js";
import { ADMIN_KEY, chat, createKey, gql, startCluster, type Cluster, type Instance } from "./support/cluster.js";

/**
 * Several gateway instances on one database. On PGlite: two app instances in this process share the
 * embedded database (its NOTIFY reaches both). With DATABASE_URL: the peer is a separate
 * `tsx src/main.ts` process on the same PostgreSQL database — the honest multi-instance test.
 */
let cluster: Cluster;
let instances: [Instance, Instance];

beforeAll(async () => {
  cluster = await startCluster();
  const peer = (await cluster.addProcessPeer()) ?? (await cluster.addInProcessPeer());
  instances = [cluster.primary, peer];
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

const hello = (index: number) => ({ model: "local/echo", messages: [{ role: "user", content: `hello ${index}` }] });

describe(`two instances on one database (${process.env.DATABASE_URL ? "two processes on PostgreSQL" : "two apps on PGlite"})`, () => {
  it("the 6th request in a minute on a 5 RPM key gets 429 with Retry-After, alternating between instances", async () => {
    const key = await createKey(cluster.primary.url, { name: "rpm", requestsPerMinute: 5 });
    for (let index = 0; index < 5; index++) {
      const response = await chat(instances[index % 2]!.url, key.secret, hello(index));
      expect(response.status, `request ${index + 1}`).toBe(200);
    }
    const sixth = await chat(instances[1].url, key.secret, hello(6));
    expect(sixth.status).toBe(429);
    const retryAfter = Number(sixth.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // GraphQL on the other instance: RATE_LIMITED with the wait.
    const graphql = await gql(instances[0].url, key.secret, `mutation { complete(input: { model: "local/echo", messages: [{ role: USER, content: "x" }] }) { content } }`);
    expect(graphql.body.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    expect(Number(graphql.body.errors?.[0]?.extensions?.retryAfterMs)).toBeGreaterThan(0);
    // A key without limits is unaffected.
    expect((await chat(instances[1].url, ADMIN_KEY, hello(7))).status).toBe(200);
  });

  it("tokens per minute: once the window holds the limit, the next request gets 429", async () => {
    const key = await createKey(cluster.primary.url, { name: "tpm", tokensPerMinute: 30 });
    cluster.upstream.script({ type: "reply", chunks: ["a"], usage: { inputTokens: 20, outputTokens: 15 } });
    expect((await chat(instances[0].url, key.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "x" }] })).status).toBe(200);
    // Tokens are charged when the request settles, just after its response: poll for the refusal.
    let refused: Awaited<ReturnType<typeof chat>> | null = null;
    await expect
      .poll(async () => {
        const next = await chat(instances[1].url, key.secret, hello(1));
        if (next.status === 429) refused = next;
        return next.status;
      }, { timeout: 2_000, interval: 10 })
      .toBe(429);
    expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });

  it("a route change made on one instance applies on the other within one second", async () => {
    const upsert = (model: string) =>
      gql(instances[0].url, ADMIN_KEY, `mutation($model: String!) { upsertRoute(input: { name: "live", strategy: FALLBACK, targets: [{ model: $model }] }) { id } }`, { model });
    expect((await upsert("local/echo")).body.errors).toBeUndefined();
    const started = Date.now();
    await expect.poll(async () => (await chat(instances[1].url, ADMIN_KEY, { model: "route:live", messages: [{ role: "user", content: "q" }] })).json.model, { timeout: 1_000, interval: 20 }).toBe("local/echo");
    expect((await upsert("local/lorem")).body.errors).toBeUndefined();
    await expect.poll(async () => (await chat(instances[1].url, ADMIN_KEY, { model: "route:live", messages: [{ role: "user", content: "q" }], max_tokens: 5 })).json.model, { timeout: 1_000, interval: 20 }).toBe("local/lorem");
    expect(Date.now() - started).toBeLessThan(3_000);
    // A revoked key stops working on the other instance too.
    const key = await createKey(instances[0].url, { name: "revoked elsewhere" });
    expect((await chat(instances[1].url, key.secret, hello(1))).status).toBe(200);
    await gql(instances[0].url, ADMIN_KEY, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: key.id });
    await expect.poll(async () => (await chat(instances[1].url, key.secret, hello(2))).status, { timeout: 1_000, interval: 20 }).toBe(401);
  });

  it("50 concurrent requests split over both instances on a budget for about 5 never overspend by more than one reservation", async () => {
    // 1,000 output tokens of gpt-4o-mini ($0.60/MTok) ≈ $0.0006 per request; the budget covers about 5.
    const limit = "0.003";
    const key = await createKey(cluster.primary.url, { name: "budget", budgetUsd: 0.003, budgetPeriod: "TOTAL" });
    for (let index = 0; index < 50; index++) cluster.upstream.script({ type: "reply", chunks: ["ok"], usage: { inputTokens: 20, outputTokens: 1000 } });
    const before = cluster.upstream.requests.length;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) =>
        chat(instances[index % 2]!.url, key.secret, { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: `go ${index}` }], max_tokens: 1000 }),
      ),
    );
    const ok = responses.filter((response) => response.status === 200).length;
    const refused = responses.filter((response) => response.status === 402).length;
    expect(ok + refused).toBe(50);
    expect(ok).toBeGreaterThanOrEqual(4);
    expect(ok).toBeLessThanOrEqual(6);
    expect(cluster.upstream.requests.length - before).toBe(ok);
    await expect
      .poll(async () => (await executeRows(cluster.database.db, sql`select reserved_usd from budget_periods where api_key_id = ${key.id}::uuid`))[0]?.reserved_usd)
      .toBe("0.000000000000");
    const [ledger] = await executeRows(cluster.database.db, sql`select spent_usd from budget_periods where api_key_id = ${key.id}::uuid`);
    const [reservation] = await executeRows(cluster.database.db, sql`select max(amount_usd) as amount from budget_reservations where api_key_id = ${key.id}::uuid`);
    expect(parseUsd(String(ledger!.spent_usd))).toBeLessThanOrEqual(parseUsd(limit) + parseUsd(String(reservation!.amount)));
    // Rows: one per admitted request, none for the refused ones.
    await expect
      .poll(async () => Number((await executeRows(cluster.database.db, sql`select count(*) as n from completion_requests where api_key_id = ${key.id}::uuid`))[0]!.n))
      .toBe(ok);
    const shown = await gql(cluster.primary.url, ADMIN_KEY, `{ apiKeys { id budget { limitUsd spentUsd reservedUsd resetsAt period } } }`);
    const budget = (shown.body.data?.apiKeys as { id: string; budget: Record<string, unknown> }[]).find((entry) => entry.id === key.id)!.budget;
    expect(budget).toMatchObject({ limitUsd: 0.003, reservedUsd: 0, resetsAt: null, period: "TOTAL" });
    expect(budget.spentUsd).toBeGreaterThan(0.002);
  });
});
