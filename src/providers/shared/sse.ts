import { createParser } from "eventsource-parser";
import type { EventSourceMessage } from "eventsource-parser";
import { GatewayError } from "../../core/model/errors.js";

export type SseEvent = EventSourceMessage;

interface DestroyableBody extends AsyncIterable<Uint8Array | string> {
  destroy?(error?: Error): void;
}

/**
 * Parses an SSE body into events, robust to arbitrary chunk boundaries (eventsource-parser keeps the
 * partial line between feeds). Leaving the loop early destroys the body, so the socket is released.
 */
export async function* readSseEvents(body: DestroyableBody): AsyncGenerator<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event) });
  const decoder = new TextDecoder();
  let finished = false;
  try {
    for await (const chunk of body) {
      parser.feed(typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true }));
      for (let index = 0; index < pending.length; index++) yield pending[index]!;
      pending.length = 0;
    }
    parser.feed(decoder.decode());
    parser.reset({ consume: true });
    for (const event of pending) yield event;
    finished = true;
  } finally {
    if (!finished) body.destroy?.();
  }
}

/**
 * Parses one event's JSON data. A malformed event is the upstream's fault: kind "server", retryable
 * (before the first token the router fails over; after it the stream ends with an error anyway).
 */
export function parseEventJson(event: SseEvent, provider: string, model?: string): unknown {
  try {
    return JSON.parse(event.data) as unknown;
  } catch (error) {
    throw new GatewayError("server", `Malformed SSE event from upstream: ${event.data.slice(0, 200)}`, {
      provider,
      model,
      cause: error,
    });
  }
}
