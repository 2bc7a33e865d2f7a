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

/** Circuit breaker state per deployment, behind an injected store. */
export interface CircuitStore {
  state(deploymentId: string, now: number): CircuitState;
  /** Whether a request may be sent now (HALF_OPEN admits one probe at a time). */
  tryAcquire(deploymentId: string, now: number): boolean;
  onSuccess(deploymentId: string, now: number): void;
  onFailure(deploymentId: string, now: number, options?: { cooldownMs?: number }): void;
}
