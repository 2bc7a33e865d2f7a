/** Per-deployment observations for FASTEST and health; injected so instances can share it later. */
export interface DeploymentStats {
  /** Moving average / p50 estimates in ms; null until observed. */
  latencyMs: number | null;
  timeToFirstTokenMs: number | null;
  errorRate: number;
  samples: number;
}

export interface StatsStore {
  get(deploymentId: string): DeploymentStats | undefined;
  record(deploymentId: string, sample: { ok: boolean; latencyMs: number; timeToFirstTokenMs?: number | null }): void;
}

export type CircuitState = "CLOSED" | "OPEN" | "HALF_OPEN";

/**
 * Circuit breaker state per deployment, behind an injected store. A rate-limit cool-down (429 with
 * Retry-After) is separate from the breaker: it makes the deployment unavailable until then without
 * counting as a failure or showing as an open circuit.
 */
export interface CircuitStore {
  state(deploymentId: string, now: number): CircuitState;
  /** Epoch ms until which the deployment cools down after a 429; null when it is not cooling. */
  coolingUntil(deploymentId: string, now: number): number | null;
  /** Whether a request may be sent now (not cooling; HALF_OPEN admits one probe at a time). */
  tryAcquire(deploymentId: string, now: number): boolean;
  onSuccess(deploymentId: string, now: number): void;
  onFailure(deploymentId: string, now: number, options?: { cooldownMs?: number }): void;
}
