import type { CircuitState } from "../core/ports/index.js";
import type { GraphQLServices } from "./context.js";
import type { ModelHealth } from "./model.type.js";
import type { ProviderHealth } from "./provider.type.js";

/** Reads one deployment's (provider/model) health from the routing stores; CLOSED with no data when absent. */
export function modelHealth(services: GraphQLServices, deploymentId: string): ModelHealth {
  const now = services.now();
  const circuitState: CircuitState = services.circuits?.state(deploymentId, now) ?? "CLOSED";
  const coolingUntil = services.circuits?.coolingUntil(deploymentId, now) ?? null;
  const stats = services.stats?.get(deploymentId);
  return {
    circuitState,
    p50LatencyMs: stats?.latencyMs ?? null,
    p50TimeToFirstTokenMs: stats?.timeToFirstTokenMs ?? null,
    errorRate: stats?.errorRate ?? 0,
    samples: stats?.samples ?? 0,
    coolingDownUntil: coolingUntil === null ? null : new Date(coolingUntil),
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * SPEC §8: a provider is HEALTHY when all its observed deployments are closed, DEGRADED when some
 * are open, DOWN when all are open. Deployments without traffic (and closed circuits) do not count.
 */
export function providerHealth(deployments: ModelHealth[]): ProviderHealth {
  const observed = deployments.filter((health) => health.samples > 0 || health.circuitState !== "CLOSED");
  const open = observed.filter((health) => health.circuitState === "OPEN").length;
  const halfOpen = observed.some((health) => health.circuitState === "HALF_OPEN");
  const samples = observed.reduce((sum, health) => sum + health.samples, 0);
  const failures = observed.reduce((sum, health) => sum + health.errorRate * health.samples, 0);
  const status = open === 0 ? "HEALTHY" : open === observed.length ? "DOWN" : "DEGRADED";
  return {
    status,
    circuitState: open > 0 ? "OPEN" : halfOpen ? "HALF_OPEN" : "CLOSED",
    p50LatencyMs: median(observed.flatMap((health) => (health.p50LatencyMs === null ? [] : [health.p50LatencyMs]))),
    p50TimeToFirstTokenMs: median(observed.flatMap((health) => (health.p50TimeToFirstTokenMs === null ? [] : [health.p50TimeToFirstTokenMs]))),
    errorRate: samples === 0 ? 0 : failures / samples,
    observedDeployments: observed.length,
    openCircuits: open,
  };
}
