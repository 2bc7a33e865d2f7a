import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "../../src/db/client.js";
import { ADMIN_KEY, chat, createKey, gql, startCluster, type Cluster, type Instance } from "./support/cluster.js";

/**
 * REDIS_URL set: rate-limit windows live in Redis and admin changes travel over Redis pub/sub.
 * The test needs a Redis server (CI and this machine run one on 127.0.0.1:6379; REDIS_TEST_URL overrides).
 */
const REDIS_URL = process.env.REDIS_TEST_URL ?? "redis://127.0.0.1:6379";

let cluster: Cluster;
let peer: Instance;

beforeAll(async () => {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await probe.connect();
  await probe.quit();
  cluster = await startCluster({ REDIS_URL });
  peer = (await cluster.addProcessPeer()) ?? (await cluster.addInProcessPeer());
}, 120_000);
afterAll(async () => {
  await cluster?.close();
});

describe("with REDIS_URL", () => {
  it("RPM is shared through Redis: the 6th request on a 5 RPM key gets 429, alternating instances", async () => {
    const key = await createKey(cluster.primary.url, { name: "redis rpm", requestsPerMinute: 5 });
    const instances = [cluster.primary, peer];
    for (let index = 0; index < 5; index++) {
      expect((await chat(instances[index % 2]!.url, key.secret, { model: "local/echo", messages: [{ role: "user", content: `r${index}` }] })).status).toBe(200);
    }
    const sixth = await chat(peer.url, key.secret, { model: "local/echo", messages: [{ role: "user", content: "r6" }] });
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Nothing went to the Postgres store.
    const [row] = await executeRows(cluster.database.db, sql`select count(*)::int as n from rate_limits`);
    expect(row?.n).toBe(0);
  });

  it("a route change travels over Redis pub/sub to the other instance within one second", async () => {
    await gql(cluster.primary.url, ADMIN_KEY, `mutation { upsertRoute(input: { name: "via-redis", strategy: FALLBACK, targets: [{ model: "local/echo" }] }) { id } }`);
    await expect
      .poll(async () => (await chat(peer.url, ADMIN_KEY, { model: "route:via-redis", messages: [{ role: "user", content: "q" }] })).status, { timeout: 1_000, interval: 20 })
      .toBe(200);
  });
});
