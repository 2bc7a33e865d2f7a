import type { CircuitState, CircuitStore } from "../ports/stats-store.js";

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** Error rate over the window that opens the circuit, once `minimumRequests` were seen. */
  errorRateThreshold?: number;
  minimumRequests?: number;
  /** Tumbling window for the error rate. */
  windowMs?: number;
  /** Time OPEN before a half-open probe is admitted. */
  cooldownMs?: number;
  /** A probe that never reports back frees its slot after this long. */
  probeTimeoutMs?: number;
}

interface Circuit {
  state: "CLOSED" | "OPEN" | "HALF_OPEN";
  consecutiveFailures: number;
  windowStart: number;
  windowRequests: number;
  windowFailures: number;
  openUntil: number;
  probeStartedAt: number | null;
  /** Rate-limit cool-down (Retry-After): unavailable until then, health counters untouched. */
  coolingUntil: number;
}

/**
 * Circuit breaker state per deployment. The state machine lives here, behind the CircuitStore port, so a
 * shared implementation (Redis, Postgres) can replace it without touching the router.
 * CLOSED → OPEN on N consecutive failures or an error rate over the window; OPEN → HALF_OPEN after the
 * cooldown; HALF_OPEN admits one probe: success closes, failure re-opens.
 */
export class InMemoryCircuitStore implements CircuitStore {
  private readonly circuits = new Map<string, Circuit>();
  private readonly options: Required<CircuitOptions>;

  constructor(options: CircuitOptions = {}) {
    const cooldownMs = options.cooldownMs ?? 30_000;
    this.options = {
      failureThreshold: options.failureThreshold ?? 5,
      errorRateThreshold: options.errorRateThreshold ?? 0.5,
      minimumRequests: options.minimumRequests ?? 20,
      windowMs: options.windowMs ?? 60_000,
      cooldownMs,
      probeTimeoutMs: options.probeTimeoutMs ?? cooldownMs,
    };
  }

  state(deploymentId: string, now: number): CircuitState {
    const circuit = this.circuits.get(deploymentId);
    if (!circuit) return "CLOSED";
    if (circuit.state === "OPEN" && now >= circuit.openUntil) circuit.state = "HALF_OPEN";
    return circuit.state;
  }

  coolingUntil(deploymentId: string, now: number): number | null {
    const circuit = this.circuits.get(deploymentId);
    return circuit && now < circuit.coolingUntil ? circuit.coolingUntil : null;
  }

  tryAcquire(deploymentId: string, now: number): boolean {
    if (this.coolingUntil(deploymentId, now) !== null) return false;
    const state = this.state(deploymentId, now);
    if (state === "CLOSED") return true;
    if (state === "OPEN") return false;
    const circuit = this.circuits.get(deploymentId) as Circuit;
    if (circuit.probeStartedAt !== null && now - circuit.probeStartedAt < this.options.probeTimeoutMs) return false;
    circuit.probeStartedAt = now;
    return true;
  }

  onSuccess(deploymentId: string, now: number): void {
    const circuit = this.circuit(deploymentId, now);
    this.roll(circuit, now);
    circuit.windowRequests++;
    circuit.consecutiveFailures = 0;
    circuit.probeStartedAt = null;
    if (circuit.state !== "CLOSED") this.close(circuit, now);
  }

  onFailure(deploymentId: string, now: number, options: { cooldownMs?: number } = {}): void {
    const circuit = this.circuit(deploymentId, now);
    circuit.probeStartedAt = null;
    if (options.cooldownMs !== undefined) {
      circuit.coolingUntil = Math.max(circuit.coolingUntil, now + options.cooldownMs);
      return;
    }
    if (circuit.state === "HALF_OPEN" || (circuit.state === "OPEN" && now >= circuit.openUntil)) {
      this.open(circuit, now);
      return;
    }
    this.roll(circuit, now);
    circuit.windowRequests++;
    circuit.windowFailures++;
    circuit.consecutiveFailures++;
    const { failureThreshold, minimumRequests, errorRateThreshold } = this.options;
    const rateTripped = circuit.windowRequests >= minimumRequests && circuit.windowFailures / circuit.windowRequests >= errorRateThreshold;
    if (circuit.consecutiveFailures >= failureThreshold || rateTripped) this.open(circuit, now);
  }

  private circuit(deploymentId: string, now: number): Circuit {
    let circuit = this.circuits.get(deploymentId);
    if (!circuit) {
      circuit = { state: "CLOSED", consecutiveFailures: 0, windowStart: now, windowRequests: 0, windowFailures: 0, openUntil: 0, probeStartedAt: null, coolingUntil: 0 };
      this.circuits.set(deploymentId, circuit);
    }
    return circuit;
  }

  private roll(circuit: Circuit, now: number): void {
    if (now - circuit.windowStart < this.options.windowMs) return;
    circuit.windowStart = now;
    circuit.windowRequests = 0;
    circuit.windowFailures = 0;
  }

  private open(circuit: Circuit, now: number): void {
    circuit.state = "OPEN";
    circuit.openUntil = now + this.options.cooldownMs;
  }

  private close(circuit: Circuit, now: number): void {
    circuit.state = "CLOSED";
    circuit.consecutiveFailures = 0;
    circuit.windowStart = now;
    circuit.windowRequests = 0;
    circuit.windowFailures = 0;
  }
}
