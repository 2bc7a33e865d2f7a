import type { ChatRequest } from "../../core/model/chat-request.js";
import { estimateMaxCost, parseUsd, formatPicoUsd } from "../../core/pricing/index.js";
import { countPromptTokens } from "../../core/tokens/index.js";
import type { RoutePlan } from "../../core/routing/router.types.js";

/**
 * Prompts whose cheap upper bound is at most this many tokens are counted exactly with the
 * tokenizer (~0.15 µs per character, so at most ~0.2 ms); longer ones use the planner's estimate,
 * and settlement corrects the difference.
 */
export const EXACT_PROMPT_COUNT_LIMIT = 4_096;

export interface ReservationEstimate {
  /** Decimal USD string (12 fraction digits). "0.000000000000" when every candidate is unpriced or free. */
  amountUsd: string;
  promptTokens: number;
  maxOutputTokens: number;
}

function promptTokensOf(plan: RoutePlan, request: ChatRequest): number {
  const estimate = plan.promptTokens;
  if (estimate.exact) return estimate.tokens;
  if (estimate.upperBound <= EXACT_PROMPT_COUNT_LIMIT) return countPromptTokens(request);
  return estimate.tokens;
}

/**
 * The most a request may cost (SPEC §4): its prompt uncached plus all of its max output
 * (`maxTokens`, else SWITCHYARD_DEFAULT_RESERVE_TOKENS — the planner's expectedOutputTokens), priced
 * at the most expensive candidate the router may fail over to. A candidate whose own output limit is
 * lower cannot produce more than that limit. Unpriced candidates add nothing: their cost is unknown
 * and is recorded as unpriced, never as spend.
 */
export function estimateReservation(plan: RoutePlan): ReservationEstimate {
  const promptTokens = promptTokensOf(plan, plan.request);
  let maxPico = 0n;
  for (const candidate of plan.candidates) {
    const model = candidate.model;
    const output = model.maxOutputTokens ? Math.min(plan.expectedOutputTokens, model.maxOutputTokens) : plan.expectedOutputTokens;
    const cost = estimateMaxCost(promptTokens, output, model.pricing);
    if (!cost) continue;
    const pico = parseUsd(cost.totalUsd);
    if (pico > maxPico) maxPico = pico;
  }
  return { amountUsd: formatPicoUsd(maxPico), promptTokens, maxOutputTokens: plan.expectedOutputTokens };
}
