import { AppError } from "../core/model/errors.js";
import type { CompletionEvent as ServiceEvent, SettledCompletion } from "../services/completion/completion.service.js";
import type { Turn } from "../services/conversations/chat.service.js";
import type { MessageRow } from "../db/schema/index.js";
import type { CompletionEventRoot, CompletionFailed } from "./completion-event.type.js";

export function failedEvent(requestId: string, error: AppError): CompletionFailed {
  return { kind: "CompletionFailed", requestId, code: error.code, message: error.message, retryAfterMs: error.retryAfterMs ?? null };
}

/** CompletionFinished for a successful request; CompletionFailed (with the row) otherwise. */
export function settledEvent(completion: SettledCompletion, message: MessageRow | null): CompletionEventRoot {
  const outcome = completion.outcome;
  if (outcome.status === "SUCCEEDED") {
    return { kind: "CompletionFinished", requestId: completion.id, content: outcome.text, finishReason: outcome.finishReason, message, toolCalls: outcome.toolCalls };
  }
  const error = completion.error ?? new AppError("UPSTREAM_ERROR", outcome.status === "ABORTED" ? "the request was aborted" : "the request failed");
  return failedEvent(completion.id, error);
}

/** Maps one service event to the subscription's event, or null for events the API does not show. */
function toEvent(turn: Turn, event: ServiceEvent, nextIndex: () => number): CompletionEventRoot | null {
  if (event.type === "route-decided") {
    return { kind: "RouteDecided", requestId: turn.id, model: event.model, providerId: event.model.providerId, attempt: event.attempt, reason: event.reason };
  }
  if (event.type === "part" && event.part.type === "text-delta" && event.part.text !== "") {
    return { kind: "TokenDelta", requestId: turn.id, index: nextIndex(), text: event.part.text };
  }
  return null;
}

/**
 * The `completionStream` events of a started turn: RouteDecided, TokenDelta (in order), then
 * CompletionFinished or CompletionFailed. When the consumer leaves early the turn's signal (aborted
 * by abortOnReturn) stops the upstream; the finally block still reads the service's settled event
 * so the partial answer is stored with the ABORTED request.
 */
export async function* completionEvents(turn: Turn): AsyncGenerator<CompletionEventRoot> {
  const iterator = turn.events[Symbol.asyncIterator]();
  let index = 0;
  const nextIndex = () => index++;
  let completion: SettledCompletion | null = null;
  let finished = false;
  try {
    while (!completion) {
      const next = await iterator.next();
      if (next.done) break;
      if (next.value.type === "settled") completion = next.value.completion;
      else {
        const event = toEvent(turn, next.value, nextIndex);
        if (event) yield event;
      }
    }
    if (!completion) throw new AppError("INTERNAL_SERVER_ERROR", "completion ended without an outcome");
    finished = true;
    const message = await turn.finish(completion);
    yield settledEvent(completion, message);
  } finally {
    if (!finished) await settleAbandoned(turn, iterator, completion);
  }
}

async function settleAbandoned(turn: Turn, iterator: AsyncIterator<ServiceEvent>, known: SettledCompletion | null): Promise<void> {
  let completion = known;
  while (!completion) {
    const next = await iterator.next();
    if (next.done) break;
    if (next.value.type === "settled") completion = next.value.completion;
  }
  if (completion) await turn.finish(completion).catch(() => undefined);
}
