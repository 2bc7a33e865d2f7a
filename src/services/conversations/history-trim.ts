import type { ChatMessage, ChatRequest } from "../../core/model/chat-request.js";
import { messageText } from "../../core/model/chat-request.js";
import { DEFAULT_EXPECTED_OUTPUT_TOKENS } from "../../core/routing/planner.js";
import type { Router } from "../../core/routing/router.js";
import type { AllowFunction } from "../../core/routing/target-resolver.js";
import { TOKENS_PER_MESSAGE, TOKENS_PER_REPLY, countText, estimatePromptTokens } from "../../core/tokens/token-estimator.js";

/** The context window a request to `target` must fit (null: unknown, no trimming). */
export type ContextWindowResolver = (target: string | null | undefined, request: ChatRequest) => number | null;

/**
 * The largest context window among the deployments the target could use. The plan of a one-token
 * prompt shows every candidate that passes the non-size filters; trimming to the largest of their
 * windows leaves at least one candidate. A target that does not resolve returns null, so the
 * completion itself reports NOT_FOUND / NO_ROUTE.
 */
export function contextWindowFromRouter(router: Router, allow?: AllowFunction): ContextWindowResolver {
  return (target, request) => {
    try {
      const plan = router.plan({ ...request, messages: [{ role: "user", content: "" }] }, { target: target ?? undefined, allow });
      let largest: number | null = null;
      for (const candidate of plan.candidates) {
        const window = candidate.model.contextWindow;
        if (window === null) return null;
        largest = Math.max(largest ?? 0, window);
      }
      return largest;
    } catch {
      return null;
    }
  };
}

export interface TrimResult {
  request: ChatRequest;
  /** Messages dropped from the start of the history. */
  dropped: number;
  /** Human-readable note for the request's warnings; null when nothing was dropped. */
  note: string | null;
}

/**
 * Drops the oldest non-system turns until the prompt plus the output reservation fits `window`.
 * System messages and the newest message always stay; a history that starts with an assistant
 * reply after trimming loses that reply too (providers expect a user turn first).
 */
export function trimToContextWindow(request: ChatRequest, window: number | null): TrimResult {
  if (window === null) return { request, dropped: 0, note: null };
  const reserve = request.maxOutputTokens ?? Math.min(DEFAULT_EXPECTED_OUTPUT_TOKENS, Math.floor(window / 4));
  const budget = window - reserve;
  if (estimatePromptTokens(request, { limit: budget }).tokens <= budget) return { request, dropped: 0, note: null };

  const cost = (message: ChatMessage) => TOKENS_PER_MESSAGE + countText(messageText(message.content));
  const toolTokens = request.tools?.length ? countText(JSON.stringify(request.tools)) : 0;
  let total = TOKENS_PER_REPLY + toolTokens + request.messages.reduce((sum, message) => sum + cost(message), 0);
  const kept = [...request.messages];
  let dropped = 0;
  const firstDroppable = () => kept.findIndex((message, index) => message.role !== "system" && index < kept.length - 1);
  const drop = (index: number) => {
    total -= cost(kept[index]!);
    kept.splice(index, 1);
    dropped += 1;
  };
  for (let index = firstDroppable(); total > budget && index >= 0; index = firstDroppable()) drop(index);
  // After trimming, the history must not open with an assistant (or tool) turn.
  for (let index = firstDroppable(); dropped > 0 && index >= 0 && kept[index]!.role !== "user"; index = firstDroppable()) drop(index);
  if (dropped === 0) return { request, dropped, note: null };
  const note = `history trimmed: dropped the ${dropped} oldest message(s) to fit a ${window}-token context window`;
  return { request: { ...request, messages: kept }, dropped, note };
}
