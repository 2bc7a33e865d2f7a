import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client.js";
import { startGatewayWithFakes, upsertRoute, type StartedGateway } from "../support/start-gateway.js";
import { attemptSummary, settledRequest, user } from "./resilience-helpers.js";

/**
 * SPEC §8 upstream 429: the deployment cools down until its Retry-After and the request moves on at once; on
 * the last candidate the gateway waits and retries only within the route's maxRetryAfterMs, otherwise the
 * client gets 429 with the upstream's Retry-After.
 */

let gw: StartedGateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGatewayWithFakes();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  await upsertRoute(gw.url, gw.adminKey, {
    name: "rl-pair",
    strategy: "FALLBACK",
    targets: [{ model: "openai/gpt-4o", priority: 0 }, { model: "anthropic/claude-sonnet-4-5", priority: 1 }],
  });
  await upsertRoute(gw.url, gw.adminKey, { name: "rl-solo", strategy: "FALLBACK", targets: [{ model: "openai/gpt-4o-mini" }], maxRetryAfterMs: 2_000 });
  await upsertRoute(gw.url, gw.adminKey, { name: "rl-strict", strategy: "FALLBACK", targets: [{ model: "openai/gpt-4.1-mini" }], maxRetryAfterMs: 500 });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

async function complete(route: string) {
  const started = performance.now();
  const { data, response } = await client.chat.completions.create({ model: `route:${route}`, messages: user("hi") }).withResponse();
  return {
    text: data.choices[0]?.message.content ?? "",
    provider: response.headers.get("x-switchyard-provider"),
    requestId: response.headers.get("x-switchyard-request-id") ?? "",
    elapsedMs: performance.now() - started,
  };
}

const health = async (id: string): Promise<{ circuitState: string; coolingDownUntil: string | null }> =>
  (
    await graphqlData<{ model: { health: { circuitState: string; coolingDownUntil: string | null } } }>(
      gw.url,
      gw.adminKey,
      `query($id: ID!) { model(id: $id) { health { circuitState coolingDownUntil } } }`,
      { id },
    )
  ).model.health;

describe("upstream 429", () => {
  it("moves to anthropic at once, cools the openai deployment down until Retry-After, then uses it again", async () => {
    // OpenAI sends both headers; retry-after-ms is the precise one.
    gw.fakes.openai.script({ type: "error", status: 429, headers: { "retry-after": "2", "retry-after-ms": "1500" }, message: "Rate limit reached for gpt-4o" });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["from", " claude"] });
    const first = await complete("rl-pair");
    expect(first).toMatchObject({ text: "from claude", provider: "anthropic" });
    // No wait for the 1.5 s Retry-After before moving on.
    expect(first.elapsedMs).toBeLessThan(1_000);
    const row = await settledRequest(gw.url, gw.adminKey, first.requestId);
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "rate_limit"],
      ["anthropic", "SUCCEEDED", null],
    ]);
    expect(row.attempts[0]?.httpStatus).toBe(429);

    // Cooling down: the next request skips openai without calling it.
    const openaiCalls = gw.fakes.openai.requests.length;
    gw.fakes.anthropic.script({ type: "reply", chunks: ["again"] });
    const second = await complete("rl-pair");
    expect(second).toMatchObject({ text: "again", provider: "anthropic" });
    expect(gw.fakes.openai.requests.length).toBe(openaiCalls);
    expect(attemptSummary(await settledRequest(gw.url, gw.adminKey, second.requestId))).toEqual([["anthropic", "SUCCEEDED", null]]);

    // A cool-down is not a circuit failure: the breaker stays CLOSED while health shows the cool-down.
    const cooling = await health("openai/gpt-4o");
    expect(cooling.circuitState).toBe("CLOSED");
    expect(Date.parse(cooling.coolingDownUntil ?? "")).toBeGreaterThan(Date.now());
    // Once Retry-After has passed, openai serves again.
    await expect.poll(async () => (await health("openai/gpt-4o")).coolingDownUntil, { timeout: 5_000, interval: 100 }).toBeNull();
    gw.fakes.openai.script({ type: "reply", chunks: ["openai", " is back"] });
    const third = await complete("rl-pair");
    expect(third).toMatchObject({ text: "openai is back", provider: "openai" });
  });

  it("on the only candidate, waits out a Retry-After within maxRetryAfterMs and retries the same deployment", async () => {
    const before = gw.fakes.openai.requests.length;
    gw.fakes.openai.script(
      { type: "error", status: 429, headers: { "retry-after-ms": "400" }, message: "slow down" },
      { type: "reply", chunks: ["after", " waiting"] },
    );
    const result = await complete("rl-solo");
    expect(result).toMatchObject({ text: "after waiting", provider: "openai" });
    expect(result.elapsedMs).toBeGreaterThanOrEqual(390);
    expect(gw.fakes.openai.requests.length).toBe(before + 2);
    const row = await settledRequest(gw.url, gw.adminKey, result.requestId);
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "rate_limit"],
      ["openai", "SUCCEEDED", null],
    ]);
  });

  it("on the only candidate, a Retry-After beyond maxRetryAfterMs reaches the client as 429 with Retry-After, at once", async () => {
    const before = gw.fakes.openai.requests.length;
    gw.fakes.openai.script({ type: "error", status: 429, headers: { "retry-after": "3" }, message: "quota window" });
    const started = performance.now();
    const error = await client.chat.completions.create({ model: "route:rl-strict", messages: user("x") }).catch((caught: unknown) => caught);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get("retry-after")).toBe("3");
    expect((error as Error).message).toContain("quota window");
    expect(gw.fakes.openai.requests.length).toBe(before + 1);
  });
});
