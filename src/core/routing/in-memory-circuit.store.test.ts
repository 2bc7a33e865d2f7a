import { describe, expect, it } from "vitest";
import { InMemoryCircuitStore } from "./in-memory-circuit.store.js";
import { InMemoryStatsStore } from "./in-memory-stats.store.js";

describe("InMemoryCircuitStore", () => {
  it("closed → open on consecutive failures → half-open single probe → closed", () => {
    const store = new InMemoryCircuitStore({ failureThreshold: 3, cooldownMs: 1000 });
    const id = "openai/x";
    store.onFailure(id, 0);
    store.onFailure(id, 1);
    expect(store.state(id, 2)).toBe("CLOSED");
    store.onFailure(id, 2);
    expect(store.state(id, 3)).toBe("OPEN");
    expect(store.tryAcquire(id, 500)).toBe(false);
    expect(store.state(id, 1002)).toBe("HALF_OPEN");
    expect(store.tryAcquire(id, 1002)).toBe(true);
    expect(store.tryAcquire(id, 1003)).toBe(false);
    store.onSuccess(id, 1010);
    expect(store.state(id, 1011)).toBe("CLOSED");
    expect(store.tryAcquire(id, 1011)).toBe(true);
  });

  it("a failed probe re-opens for another cooldown", () => {
    const store = new InMemoryCircuitStore({ failureThreshold: 1, cooldownMs: 100 });
    store.onFailure("d", 0);
    expect(store.tryAcquire("d", 100)).toBe(true);
    store.onFailure("d", 110);
    expect(store.state("d", 150)).toBe("OPEN");
    expect(store.state("d", 210)).toBe("HALF_OPEN");
  });

  it("opens on an error rate over the window", () => {
    const store = new InMemoryCircuitStore({ failureThreshold: 100, errorRateThreshold: 0.5, minimumRequests: 10, windowMs: 10_000 });
    for (let index = 0; index < 10; index++) {
      if (index % 2 === 1) store.onFailure("d", index);
      else store.onSuccess("d", index);
    }
    expect(store.state("d", 20)).toBe("OPEN");
  });

  it("a 429 cools the deployment down until Retry-After without counting as a failure", () => {
    const store = new InMemoryCircuitStore({ failureThreshold: 1 });
    store.onFailure("d", 0, { cooldownMs: 500 });
    // Not a circuit failure: the breaker stays CLOSED, but the deployment is unavailable until then.
    expect(store.state("d", 499)).toBe("CLOSED");
    expect(store.coolingUntil("d", 499)).toBe(500);
    expect(store.tryAcquire("d", 499)).toBe(false);
    expect(store.coolingUntil("d", 500)).toBeNull();
    expect(store.tryAcquire("d", 500)).toBe(true);
  });
});

describe("InMemoryStatsStore", () => {
  it("keeps EWMA latency from successes and the error rate over the window", () => {
    const stats = new InMemoryStatsStore({ alpha: 0.5, errorWindow: 4 });
    stats.record("d", { ok: true, latencyMs: 100, timeToFirstTokenMs: 10 });
    stats.record("d", { ok: true, latencyMs: 200, timeToFirstTokenMs: 30 });
    stats.record("d", { ok: false, latencyMs: 5000 });
    expect(stats.get("d")).toEqual({ latencyMs: 150, timeToFirstTokenMs: 20, errorRate: 1 / 3, samples: 3 });
    for (let index = 0; index < 4; index++) stats.record("d", { ok: true, latencyMs: 150 });
    expect(stats.get("d")?.errorRate).toBe(0);
  });
});
