import { expectedCostForRanking } from "../../pricing/cost.js";
import type { Candidate, RoutingStrategyImplementation, StrategyContext } from "../candidate.js";

/** Orders by expected cost of this request (prompt estimate + expected output); unpriced last. */
export function orderByExpectedCost(candidates: Candidate[], context: StrategyContext): Candidate[] {
  const costs = new Map<Candidate, number>();
  for (const candidate of candidates) {
    costs.set(candidate, expectedCostForRanking(candidate.model.pricing, context.promptTokens, context.expectedOutputTokens));
  }
  return candidates.sort((a, b) => (costs.get(a) as number) - (costs.get(b) as number) || a.priority - b.priority || a.order - b.order);
}

/** CHEAPEST: lowest expected cost for the request that satisfies it (filters already applied). */
export const cheapestStrategy: RoutingStrategyImplementation = {
  order(candidates, context) {
    orderByExpectedCost(candidates, context);
    const first = candidates[0];
    const cost = first ? expectedCostForRanking(first.model.pricing, context.promptTokens, context.expectedOutputTokens) : 0;
    return { ordered: candidates, reason: first ? `cheapest: expected $${cost.toPrecision(3)} for ~${context.promptTokens} + ${context.expectedOutputTokens} tokens` : "cheapest" };
  },
};
