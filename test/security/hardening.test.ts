import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, chat, createKey, gql, startCluster, type Cluster } from "../admin/support/cluster.js";

/** Introspection switch, no stack traces outside development, and no secret in the logs. */
describe("hardening switches (SWITCHYARD_INTROSPECTION=off, production mode)", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await startCluster({ SWITCHYARD_INTROSPECTION: "off", NODE_ENV: "production" });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it("refuses introspection when switched off, and ordinary queries still work", async () => {
    const introspection = await gql(cluster.primary.url, ADMIN_KEY, `{ __schema { queryType { name } } }`);
    expect(introspection.status).toBe(400);
    expect(introspection.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect((await gql(cluster.primary.url, ADMIN_KEY, `{ me { role } }`)).body.data).toEqual({ me: { role: "ADMIN" } });
  });

  it("errors carry no stack trace and field suggestions are hidden", async () => {
    const result = await gql(cluster.primary.url, ADMIN_KEY, `{ mee { id } }`);
    const text = JSON.stringify(result.body);
    expect(result.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(text).not.toContain("stacktrace");
    expect(text).not.toMatch(/Did you mean/);
    const rest = await chat(cluster.primary.url, ADMIN_KEY, { model: "nope/none", messages: [{ role: "user", content: "x" }] });
    expect(JSON.stringify(rest.json)).not.toMatch(/\.ts:\d+|\.js:\d+|stack/);
  });

  it("gateway and provider secrets never reach the captured logs", async () => {
    const key = await createKey(cluster.primary.url, { name: "logged" });
    await chat(cluster.primary.url, key.secret, { model: "local/echo", messages: [{ role: "user", content: "hi" }] });
    await gql(cluster.primary.url, "sy-wrong-key-0000000000000000000000000000000000", `{ me { id } }`);
    await gql(cluster.primary.url, ADMIN_KEY, `mutation { upsertProvider(input: { id: "openai", kind: OPENAI, apiKey: "sk-rotated-provider-key-777" }) { hasCredentials } }`);
    const logs = cluster.primary.logs();
    expect(logs).toContain('"request"');
    for (const secret of [key.secret, ADMIN_KEY, "sy-wrong-key-0000000000000000000000000000000000", "sk-rotated-provider-key-777", "sk-upstream-test"]) {
      expect(logs).not.toContain(secret);
    }
  });
});
