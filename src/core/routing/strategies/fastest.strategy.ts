import type { Candidate, RoutingStrategyImplementation } from "../candidate.js";

/** Share of requests that try a random observed deployment other than the fastest, so stale figures refresh. */
export const FASTEST_EXPLORATION_RATE = 0.05;

/**
 * FASTEST: deployments without observations first (list order), then ascending time to first token
 * (latency when no TTFT is known). With probability ~5% a random non-best observed deployment goes first.
 */
export const fastestStrategy: RoutingStrategyImplementation = {
  order(candidates, context) {
    const score = new Map<Candidate, number>();
    let unobserved = 0;
    for (const candidate of candidates) {
      const stats = context.stats.get(candidate.model.id);
      const value = stats?.timeToFirstTokenMs ?? stats?.latencyMs ?? null;
      if (value === null) unobserved++;
      score.set(candidate, value ?? Number.NEGATIVE_INFINITY);
    }
    candidates.sort((a, b) => (score.get(a) as number) - (score.get(b) as number) || a.order - b.order);
    const first = candidates[0];
    if (!first) return { ordered: candidates, reason: "fastest" };
    if (unobserved > 0) return { ordered: candidates, reason: `fastest: ${first.model.id} has no observations yet` };
    const explore = candidates.length > 1 && context.random() < FASTEST_EXPLORATION_RATE;
    if (explore) {
      const index = 1 + Math.floor(context.random() * (candidates.length - 1));
      const chosen = candidates[index] as Candidate;
      candidates.splice(index, 1);
      candidates.unshift(chosen);
      return { ordered: candidates, reason: `fastest: exploring ${chosen.model.id}` };
    }
    return { ordered: candidates, reason: `fastest: ${Math.round(score.get(first) as number)} ms observed` };
  },
};
