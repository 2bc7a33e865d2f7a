import { byPriorityThenOrder, type Candidate, type RoutingStrategyImplementation } from "../candidate.js";

/** FALLBACK: ascending priority, ties in list order (SPEC §8). */
export const fallbackStrategy: RoutingStrategyImplementation = {
  order(candidates: Candidate[]) {
    candidates.sort(byPriorityThenOrder);
    const first = candidates[0];
    return { ordered: candidates, reason: first ? `fallback: priority ${first.priority} is the lowest eligible` : "fallback" };
  },
};
