import { byPriorityThenOrder, type Candidate, type RoutingStrategyImplementation } from "../candidate.js";

/**
 * WEIGHTED: the first choice is drawn with probability weight / total weight; the others follow in
 * priority order as the failover order. Zero-weight targets are never drawn first but still fail over.
 */
export const weightedStrategy: RoutingStrategyImplementation = {
  order(candidates: Candidate[], context) {
    candidates.sort(byPriorityThenOrder);
    let total = 0;
    for (const candidate of candidates) total += Math.max(0, candidate.weight);
    if (total <= 0) return { ordered: candidates, reason: "weighted: no positive weight, priority order" };
    let point = context.random() * total;
    let picked = candidates.length - 1;
    for (let index = 0; index < candidates.length; index++) {
      point -= Math.max(0, (candidates[index] as Candidate).weight);
      if (point < 0) {
        picked = index;
        break;
      }
    }
    const chosen = candidates[picked] as Candidate;
    // Move the drawn candidate to the front, keeping the others' order.
    for (let index = picked; index > 0; index--) candidates[index] = candidates[index - 1] as Candidate;
    candidates[0] = chosen;
    return { ordered: candidates, reason: `weighted: drew weight ${chosen.weight} of ${total}` };
  },
};
