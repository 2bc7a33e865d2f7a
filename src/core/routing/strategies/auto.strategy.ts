import { expectedCostForRanking } from "../../pricing/cost.js";
import type { ChatRequest } from "../../model/chat-request.js";
import type { CatalogModel } from "../../model/catalog.js";
import type { Candidate, RoutingStrategyImplementation, StrategyContext } from "../candidate.js";
import { orderByExpectedCost } from "./cheapest.strategy.js";

/**
 * AUTO: deterministic workload classification (SPEC §2), then the cheapest model of the tier that fits.
 *
 * Workload rules, first match wins:
 *  1. LONG_CONTEXT  — prompt estimate > 64,000 tokens.
 *  2. ADVANCED      — a quality hint: `metadata.quality = "high"`, `reasoningEffort` "medium"/"high",
 *                     or an agentic request with ≥ 8 tools.
 *  3. BULK          — `metadata.quality = "low"` or `metadata.workload = "bulk"`, a prompt > 8,000 tokens,
 *                     or a requested output > 4,096 tokens.
 *  4. SIMPLE        — everything else (short prompts, simple automation, tools or images allowed).
 * Tools and images never change the tier on their own: they become capability filters (TOOLS, VISION)
 * applied before any strategy runs.
 *
 * Model tiers, by catalog data:
 *  - long-context models: context window ≥ 200,000 tokens or the LONG_CONTEXT capability;
 *  - high-performance models: the REASONING capability;
 *  - cost-efficient / low-cost models: everything, ranked by expected cost.
 * Picks per workload:
 *  - SIMPLE: cheapest expected cost among non-reasoning models (reasoning models spend hidden tokens);
 *  - BULK: cheapest expected cost for this request (prompt-heavy, so input price dominates);
 *  - ADVANCED: among REASONING models, the highest output price (price as the proxy for capability);
 *  - LONG_CONTEXT: cheapest expected cost among long-context models.
 * When the tier has no eligible model, all candidates are ranked by expected cost. The remaining
 * candidates follow as the failover order.
 */

export type AutoWorkload = "SIMPLE" | "ADVANCED" | "BULK" | "LONG_CONTEXT";

export const AUTO_LONG_CONTEXT_PROMPT_TOKENS = 64_000;
export const AUTO_BULK_PROMPT_TOKENS = 8_000;
export const AUTO_BULK_OUTPUT_TOKENS = 4_096;
export const AUTO_AGENTIC_TOOLS = 8;
export const LONG_CONTEXT_WINDOW = 200_000;

export function classifyWorkload(request: ChatRequest, promptTokens: number): AutoWorkload {
  if (promptTokens > AUTO_LONG_CONTEXT_PROMPT_TOKENS) return "LONG_CONTEXT";
  const quality = request.metadata?.quality;
  const effort = request.reasoningEffort;
  if (quality === "high" || effort === "medium" || effort === "high" || (request.tools?.length ?? 0) >= AUTO_AGENTIC_TOOLS) return "ADVANCED";
  const bulk =
    quality === "low" ||
    request.metadata?.workload === "bulk" ||
    promptTokens > AUTO_BULK_PROMPT_TOKENS ||
    (request.maxOutputTokens ?? 0) > AUTO_BULK_OUTPUT_TOKENS;
  return bulk ? "BULK" : "SIMPLE";
}

export function isLongContextModel(model: CatalogModel): boolean {
  return (model.contextWindow ?? 0) >= LONG_CONTEXT_WINDOW || model.capabilities.includes("LONG_CONTEXT");
}

function isReasoningModel(model: CatalogModel): boolean {
  return model.capabilities.includes("REASONING");
}

const TIER_LABEL: Record<AutoWorkload, string> = {
  SIMPLE: "simple automation → low-cost model",
  ADVANCED: "advanced reasoning → high-performance model",
  BULK: "bulk → cost-efficient model",
  LONG_CONTEXT: "long context → long-context model",
};

/** Moves the tier's members to the front (stable), keeping the given order inside each group. */
function tierFirst(candidates: Candidate[], inTier: (model: CatalogModel) => boolean): number {
  const members = candidates.filter((candidate) => inTier(candidate.model));
  if (members.length === 0) return 0;
  const others = candidates.filter((candidate) => !inTier(candidate.model));
  candidates.length = 0;
  candidates.push(...members, ...others);
  return members.length;
}

function orderForWorkload(workload: AutoWorkload, candidates: Candidate[], context: StrategyContext): number {
  orderByExpectedCost(candidates, context);
  switch (workload) {
    case "SIMPLE":
      return tierFirst(candidates, (model) => !isReasoningModel(model));
    case "BULK":
      return candidates.length;
    case "LONG_CONTEXT":
      return tierFirst(candidates, isLongContextModel);
    case "ADVANCED": {
      const members = tierFirst(candidates, isReasoningModel);
      const head = candidates.slice(0, members);
      head.sort((a, b) => (b.model.pricing?.outputPerMTok ?? -1) - (a.model.pricing?.outputPerMTok ?? -1) || a.order - b.order);
      for (let index = 0; index < head.length; index++) candidates[index] = head[index] as Candidate;
      return members;
    }
  }
}

export const autoStrategy: RoutingStrategyImplementation = {
  order(candidates, context) {
    const workload = classifyWorkload(context.request, context.promptTokens);
    const members = orderForWorkload(workload, candidates, context);
    const first = candidates[0];
    const fit = members > 0 ? "" : " (no model of that tier is eligible; cheapest overall)";
    const cost = first ? expectedCostForRanking(first.model.pricing, context.promptTokens, context.expectedOutputTokens) : 0;
    return { ordered: candidates, reason: `auto: ${TIER_LABEL[workload]}${fit}; expected $${cost.toPrecision(3)}` };
  },
};
