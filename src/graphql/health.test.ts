import { describe, expect, it } from "vitest";
import type { CircuitState, CircuitStore, DeploymentStats, StatsStore } from "../core/ports/index.js";
import { modelHealth, providerHealth } from "./health.js";
import type { GraphQLServices } from "./services.js";

function services(circuits: Record<string, CircuitState>, stats: Record<string, DeploymentStats>): GraphQLServices {
  const circuitStore: CircuitStore = {
    state: (id) => circuits[id] ?? "CLOSED",
    coolingUntil: () => null,
    tryAcquire: () => true,
    onSuccess: () => undefined,
    onFailure: () => undefined,
  };
  const statsStore: StatsStore = { get: (id) => stats[id], record: () => undefined };
  const empty = async () => [];
  return {
    catalog: { listProviders: empty, listModels: empty, getModels: empty, getProviders: empty },
    entities: {},
    circuits: circuitStore,
    stats: statsStore,
    now: () => 0,
  };
}

describe("health", () => {
  it("reads a deployment's circuit and stats, CLOSED with no data when unobserved", () => {
    const wired = services({ "openai/a": "OPEN" }, { "openai/a": { latencyMs: 120, timeToFirstTokenMs: 40, errorRate: 0.5, samples: 4 } });
    expect(modelHealth(wired, "openai/a")).toEqual({ circuitState: "OPEN", p50LatencyMs: 120, p50TimeToFirstTokenMs: 40, errorRate: 0.5, samples: 4, coolingDownUntil: null });
    expect(modelHealth(wired, "openai/b")).toEqual({ circuitState: "CLOSED", p50LatencyMs: null, p50TimeToFirstTokenMs: null, errorRate: 0, samples: 0, coolingDownUntil: null });
  });

  it("summarizes a provider: HEALTHY when all observed are closed, DEGRADED when some are open, DOWN when all are", () => {
    const closed = { circuitState: "CLOSED" as const, p50LatencyMs: 100, p50TimeToFirstTokenMs: 30, errorRate: 0, samples: 10, coolingDownUntil: null };
    const open = { circuitState: "OPEN" as const, p50LatencyMs: 300, p50TimeToFirstTokenMs: null, errorRate: 1, samples: 10, coolingDownUntil: null };
    const unobserved = { circuitState: "CLOSED" as const, p50LatencyMs: null, p50TimeToFirstTokenMs: null, errorRate: 0, samples: 0, coolingDownUntil: null };
    expect(providerHealth([closed, unobserved]).status).toBe("HEALTHY");
    const degraded = providerHealth([closed, open, unobserved]);
    expect(degraded).toMatchObject({ status: "DEGRADED", circuitState: "OPEN", errorRate: 0.5, p50LatencyMs: 200, observedDeployments: 2, openCircuits: 1 });
    expect(providerHealth([open, unobserved]).status).toBe("DOWN");
    expect(providerHealth([unobserved])).toMatchObject({ status: "HEALTHY", circuitState: "CLOSED", p50LatencyMs: null, errorRate: 0 });
  });
});
