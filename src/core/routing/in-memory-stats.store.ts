import type { DeploymentStats, StatsStore } from "../ports/stats-store.js";

export interface InMemoryStatsOptions {
  /** EWMA weight of a new sample (0..1). */
  alpha?: number;
  /** Outcomes kept for the error rate. */
  errorWindow?: number;
}

interface Entry {
  latencyMs: number | null;
  timeToFirstTokenMs: number | null;
  samples: number;
  /** Ring of the last outcomes: 1 = error. */
  outcomes: Uint8Array;
  next: number;
  filled: number;
  errors: number;
}

/**
 * Per-deployment EWMA of latency and time to first token, and the error rate over the last N outcomes.
 * Latency figures only learn from successes: a failed attempt's duration says nothing about speed.
 */
export class InMemoryStatsStore implements StatsStore {
  private readonly entries = new Map<string, Entry>();
  private readonly alpha: number;
  private readonly window: number;

  constructor(options: InMemoryStatsOptions = {}) {
    this.alpha = options.alpha ?? 0.2;
    this.window = options.errorWindow ?? 50;
  }

  get(deploymentId: string): DeploymentStats | undefined {
    const entry = this.entries.get(deploymentId);
    if (!entry) return undefined;
    return {
      latencyMs: entry.latencyMs,
      timeToFirstTokenMs: entry.timeToFirstTokenMs,
      errorRate: entry.filled === 0 ? 0 : entry.errors / entry.filled,
      samples: entry.samples,
    };
  }

  record(deploymentId: string, sample: { ok: boolean; latencyMs: number; timeToFirstTokenMs?: number | null }): void {
    let entry = this.entries.get(deploymentId);
    if (!entry) {
      entry = { latencyMs: null, timeToFirstTokenMs: null, samples: 0, outcomes: new Uint8Array(this.window), next: 0, filled: 0, errors: 0 };
      this.entries.set(deploymentId, entry);
    }
    entry.samples++;
    if (entry.filled === this.window) entry.errors -= entry.outcomes[entry.next] as number;
    else entry.filled++;
    entry.outcomes[entry.next] = sample.ok ? 0 : 1;
    entry.errors += sample.ok ? 0 : 1;
    entry.next = (entry.next + 1) % this.window;
    if (!sample.ok) return;
    entry.latencyMs = this.blend(entry.latencyMs, sample.latencyMs);
    if (sample.timeToFirstTokenMs !== undefined && sample.timeToFirstTokenMs !== null) {
      entry.timeToFirstTokenMs = this.blend(entry.timeToFirstTokenMs, sample.timeToFirstTokenMs);
    }
  }

  private blend(previous: number | null, sample: number): number {
    return previous === null ? sample : previous + this.alpha * (sample - previous);
  }
}
