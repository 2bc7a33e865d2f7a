import { describe, expect, it } from "vitest";
import { AppError, GatewayError } from "../model/errors.js";
import type { CatalogModel } from "../model/catalog.js";
import type { RouteDefinition } from "../model/route.js";
import { createSeededRandom, createSystemClock } from "./clock.js";
import { InMemoryCircuitStore } from "./in-memory-circuit.store.js";
import { InMemoryStatsStore } from "./in-memory-stats.store.js";
import { createRouter } from "./router.js";
import type { RouteOutcome, RouterEvent } from "./router.types.js";
import { FakeAdapter, catalogModel, catalogView, routeDefinition, routeView, textParts, userRequest } from "./router.test-support.js";

function setup(models: CatalogModel[], routes: RouteDefinition[], circuitOptions = {}) {
  const adapters = new Map<string, FakeAdapter>();
  for (const model of models) if (!adapters.has(model.providerId)) adapters.set(model.providerId, new FakeAdapter(model.providerId));
  const circuits = new InMemoryCircuitStore({ failureThreshold: 2, cooldownMs: 60_000, ...circuitOptions });
  const stats = new InMemoryStatsStore();
  const router = createRouter({
    catalog: catalogView(models),
    routes: routeView(routes),
    adapters: (id) => adapters.get(id),
    circuits,
    stats,
    clock: createSystemClock(),
    random: createSeededRandom(1),
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
  });
  return { router, adapter: (id: string) => adapters.get(id) as FakeAdapter, circuits, stats };
}

async function collect(events: AsyncIterable<RouterEvent>): Promise<{ events: RouterEvent[]; outcome: RouteOutcome }> {
  const list: RouterEvent[] = [];
  for await (const event of events) list.push(event);
  const last = list[list.length - 1];
  if (last?.type !== "done") throw new Error("no done event");
  return { events: list, outcome: last.outcome };
}

const models = [catalogModel("openai/a"), catalogModel("anthropic/b"), catalogModel("local/echo", { local: true })];
const fallback = routeDefinition("default", { targets: [{ model: "openai/a", weight: 1, priority: 1 }, { model: "anthropic/b", weight: 1, priority: 2 }] });

describe("target resolution", () => {
  const { router } = setup([...models, catalogModel("google/a", { enabled: false })], [fallback, routeDefinition("auto", { strategy: "AUTO" }), routeDefinition("off", { enabled: false })]);
  it("resolves provider/model, bare names, routes, auto and the default", () => {
    expect(router.plan(userRequest(), { target: "openai/a" }).candidates.map((c) => c.model.id)).toEqual(["openai/a"]);
    const bare = router.plan(userRequest(), { target: "a" });
    expect(bare.candidates.map((c) => c.model.id)).toEqual(["openai/a"]);
    expect(bare.exclusions).toEqual([{ model: expect.objectContaining({ id: "google/a" }), reason: "disabled" }]);
    expect(router.plan(userRequest()).routeName).toBe("default");
    const auto = router.plan(userRequest(), { target: "auto" });
    expect(auto.candidates.map((c) => c.model.id)).not.toContain("local/echo");
  });
  it("maps unknown, forbidden and disabled targets to NOT_FOUND, FORBIDDEN and NO_ROUTE", () => {
    const code = (target: string, allow?: (id: string) => boolean) => {
      try {
        router.plan(userRequest(), { target, allow });
      } catch (error) {
        return (error as AppError).code;
      }
      return "none";
    };
    expect(code("nope/x")).toBe("NOT_FOUND");
    expect(code("route:missing")).toBe("NOT_FOUND");
    expect(code("openai/a", () => false)).toBe("FORBIDDEN");
    expect(code("google/a")).toBe("NO_ROUTE");
    expect(code("route:off")).toBe("NO_ROUTE");
  });
  it("records exclusions for capabilities and context window", () => {
    const small = setup([catalogModel("openai/a", { contextWindow: 50, caps: ["STREAMING"] }), catalogModel("anthropic/b")], [fallback]).router;
    const plan = small.plan(userRequest("x", { tools: [{ name: "t", parameters: {} }] }));
    expect(plan.exclusions[0]?.reason).toBe("lacks TOOLS");
    const long = small.plan(userRequest("word ".repeat(100)));
    expect(long.exclusions[0]?.reason).toMatch(/context window 50 too small/);
    expect(long.promptTokens.exact).toBe(true);
  });
});

describe("execution", () => {
  it("streams parts in order and reports usage and cost", async () => {
    const { router } = setup(models, [fallback]);
    const { events, outcome } = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(events[0]).toMatchObject({ type: "route-decided", attempt: 1 });
    expect(events.filter((e) => e.type === "part").length).toBe(2);
    expect(outcome).toMatchObject({ status: "SUCCEEDED", text: "hello there", unpriced: false });
    expect(outcome.usage?.source).toBe("REPORTED");
    expect(outcome.cost?.totalUsd).toBe("0.000014000000");
    expect(outcome.trail.attempts).toHaveLength(1);
  });

  it("fails over on retryable errors, stops on bad_request", async () => {
    const { router, adapter } = setup(models, [fallback]);
    adapter("openai").script("a", [{ error: new GatewayError("server", "boom", { status: 500 }) }]);
    const { events, outcome } = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(events.find((e) => e.type === "attempt-failed")).toMatchObject({ willFailOver: true });
    expect(outcome.model?.id).toBe("anthropic/b");
    expect(outcome.trail.attempts.map((a) => a.status)).toEqual(["FAILED", "SUCCEEDED"]);

    adapter("openai").script("a", [{ error: new GatewayError("bad_request", "bad", { status: 400 }) }]);
    const stopped = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(stopped.outcome.status).toBe("FAILED");
    expect(stopped.outcome.trail.attempts).toHaveLength(1);
  });

  it("on 429 moves on at once, and retries the last candidate only within maxRetryAfterMs", async () => {
    const { router, adapter, circuits } = setup(models, [fallback]);
    adapter("openai").script("a", [{ error: new GatewayError("rate_limit", "slow down", { status: 429, retryAfterMs: 60_000 }) }]);
    const moved = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(moved.outcome.model?.id).toBe("anthropic/b");
    expect(circuits.state("openai/a", Date.now())).toBe("CLOSED");
    expect(circuits.coolingUntil("openai/a", Date.now())).toBeGreaterThan(Date.now() + 50_000);
    expect(router.plan(userRequest()).exclusions[0]?.reason).toMatch(/^rate limited upstream: cooling down until /);

    const single = setup(models, [fallback]);
    const model = single.adapter("openai").script("a", [{ error: new GatewayError("rate_limit", "wait", { retryAfterMs: 20 }) }, {}]);
    const retried = await collect(single.router.execute(single.router.plan(userRequest(), { target: "openai/a" }), { stream: true }));
    expect(retried.outcome.status).toBe("SUCCEEDED");
    expect(model.calls).toBe(2);

    single.adapter("openai").script("a", [{ error: new GatewayError("rate_limit", "wait", { retryAfterMs: 5_000 }) }]);
    const gaveUp = await collect(single.router.execute(single.router.plan(userRequest(), { target: "openai/a" }), { stream: true }));
    expect(gaveUp.outcome.status).toBe("FAILED");
    expect(gaveUp.outcome.trail.attempts).toHaveLength(1);
    // While its only candidate cools down, the target answers with the upstream's rate limit, not NO_ROUTE.
    let refused: unknown;
    try {
      single.router.plan(userRequest(), { target: "openai/a" });
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ code: "UPSTREAM_ERROR", details: { upstreamKind: "rate_limit" } });
    expect((refused as AppError).retryAfterMs).toBeGreaterThan(4_000);
  });

  it("a 429 without Retry-After on the last candidate waits out the default cool-down, then retries it", async () => {
    const single = setup(models, [fallback]);
    const model = single.adapter("openai").script("a", [{ error: new GatewayError("rate_limit", "no header", { status: 429 }) }, {}]);
    const started = performance.now();
    const retried = await collect(single.router.execute(single.router.plan(userRequest(), { target: "openai/a" }), { stream: true }));
    expect(retried.outcome.status).toBe("SUCCEEDED");
    expect(model.calls).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it("opens the circuit after consecutive failures and skips the deployment", async () => {
    const { router, adapter, circuits } = setup(models, [fallback]);
    adapter("openai").script("a", [{ error: new GatewayError("overloaded", "busy", { status: 503 }) }]);
    await collect(router.execute(router.plan(userRequest()), { stream: true }));
    await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(circuits.state("openai/a", Date.now())).toBe("OPEN");
    expect(router.plan(userRequest()).exclusions).toEqual([{ model: expect.objectContaining({ id: "openai/a" }), reason: "circuit open" }]);
  });

  it("times out a silent first token and fails over, aborting the upstream", async () => {
    const { router, adapter } = setup(models, [routeDefinition("default", { ...fallback, firstTokenTimeoutMs: 30 })]);
    const silent = adapter("openai").script("a", [{ hang: true }]);
    const { outcome } = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(outcome.trail.attempts[0]).toMatchObject({ errorKind: "timeout", status: "FAILED" });
    expect(outcome.model?.id).toBe("anthropic/b");
    expect(silent.aborts).toBe(1);
  });

  it("after the first token, a failure ends the stream with partial, estimated usage", async () => {
    const { router, adapter } = setup(models, [fallback]);
    adapter("openai").script("a", [{ parts: [{ type: "text-delta", text: "partial answer" }], failAfter: new GatewayError("network", "reset") }]);
    const { events, outcome } = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(outcome.status).toBe("FAILED");
    expect(outcome.trail.attempts).toHaveLength(1);
    expect(events.filter((e) => e.type === "part")).toHaveLength(1);
    expect(outcome.usage).toMatchObject({ source: "ESTIMATED", outputTokens: 2 });
    expect(outcome.cost).not.toBeNull();
  });

  it("a caller abort stops the upstream at once and finishes ABORTED with estimated usage", async () => {
    const { router, adapter } = setup(models, [fallback]);
    const model = adapter("openai").script("a", [{ parts: [{ type: "text-delta", text: "some" }], hangAfter: true }]);
    const controller = new AbortController();
    const events: RouterEvent[] = [];
    for await (const event of router.execute(router.plan(userRequest()), { stream: true, signal: controller.signal })) {
      events.push(event);
      if (event.type === "part") controller.abort();
    }
    const done = events[events.length - 1];
    expect(done?.type === "done" && done.outcome.status).toBe("ABORTED");
    expect(done?.type === "done" && done.outcome.usage?.source).toBe("ESTIMATED");
    expect(model.aborts).toBe(1);
  });

  it("non-stream uses generate and flags unpriced models", async () => {
    const { router } = setup([catalogModel("openai/a", { pricing: null })], [routeDefinition("default", { targets: [{ model: "openai/a", weight: 1, priority: 0 }] })]);
    const { events, outcome } = await collect(router.execute(router.plan(userRequest()), { stream: false }));
    expect(events.filter((e) => e.type === "part")).toEqual([{ type: "part", part: { type: "text-delta", text: "hello there" } }]);
    expect(outcome).toMatchObject({ status: "SUCCEEDED", cost: null, unpriced: true });
  });

  it("estimates usage when the upstream reports none", async () => {
    const { router, adapter } = setup(models, [fallback]);
    adapter("openai").script("a", [{ parts: textParts("one two three", null) }]);
    const { outcome } = await collect(router.execute(router.plan(userRequest()), { stream: true }));
    expect(outcome.usage).toMatchObject({ source: "ESTIMATED", outputTokens: 3 });
    expect(outcome.usage?.inputTokens).toBeGreaterThan(0);
  });
});
