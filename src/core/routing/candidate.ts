import type { ChatRequest } from "../model/chat-request.js";
import type { CatalogModel } from "../model/catalog.js";
import type { RandomSource } from "../ports/clock.js";
import type { StatsStore } from "../ports/stats-store.js";

/** A deployment the route may use, with the target's weight and priority. */
export interface Candidate {
  model: CatalogModel;
  weight: number;
  priority: number;
  /** Position in the route's target list (ties keep list order). */
  order: number;
}

export interface Exclusion {
  model: CatalogModel;
  reason: string;
}

/** What a strategy may read; state is passed in, never held by the strategy. */
export interface StrategyContext {
  request: ChatRequest;
  promptTokens: number;
  /** Requested max output, or the default reservation when the request gives none. */
  expectedOutputTokens: number;
  stats: StatsStore;
  random: RandomSource;
}

export interface StrategyResult {
  /** Every candidate, first choice first; the rest is the failover order. */
  ordered: Candidate[];
  reason: string;
}

/** One routing strategy. Implementations may reorder `candidates` in place (the plan owns the array). */
export interface RoutingStrategyImplementation {
  order(candidates: Candidate[], context: StrategyContext): StrategyResult;
}

export function byPriorityThenOrder(a: Candidate, b: Candidate): number {
  return a.priority - b.priority || a.order - b.order;
}
