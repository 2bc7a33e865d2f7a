/** What a fake upstream does with the next request. Rendered in each provider's exact wire format. */

/** Usage in normalized terms (input includes cache reads/writes; output includes reasoning). */
export interface FakeUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteInputTokens?: number;
  reasoningTokens?: number;
}

export interface FakeToolCall {
  id?: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

export type FakeScenario =
  | {
      type: "reply";
      /** Text chunks, one per stream event (non-stream: joined). */
      chunks?: string[];
      reasoning?: string[];
      toolCalls?: FakeToolCall[];
      usage?: FakeUsage;
      /** Sent verbatim as the wire usage object (OpenAI `usage`, Anthropic `usage`, Gemini `usageMetadata`). */
      rawUsage?: Record<string, unknown>;
      /** Wire finish reason (`length`, `max_tokens`, `MAX_TOKENS`...); default: the natural one. */
      finishReason?: string;
      /** Delay before the response headers (non-stream: before the body). */
      firstChunkDelayMs?: number;
      /**
       * Stream only: headers and the frames before the first content (OpenAI's role chunk, Anthropic's
       * message_start / content_block_start / ping) go out at once, then this wait before the first content.
       */
      firstContentDelayMs?: number;
      chunkIntervalMs?: number;
    }
  | { type: "error"; status: number; headers?: Record<string, string>; body?: unknown; message?: string }
  /** Destroy the socket before any response, or after the first stream chunk (non-stream: after headers). */
  | { type: "drop"; when: "before-first-chunk" | "after-first-chunk"; chunks?: string[] }
  /**
   * A 200 stream that sends `afterChunks` content chunks (default 1), then the provider's own in-stream error
   * event and ends: OpenAI `data: {"error":{...,"type":"server_error"}}`, Anthropic `event: error` with
   * `overloaded_error` (what its API sends when overloaded mid-stream), Gemini a `{"error":{code,status}}` event.
   * `errorType` overrides the wire type (OpenAI `type`, Anthropic `error.type`, Gemini `status`).
   * Non-stream requests get the same error as an HTTP 503 body.
   */
  | { type: "stream-error"; afterChunks?: number; chunks?: string[]; message?: string; errorType?: string; chunkIntervalMs?: number }
  /** A valid first chunk, then an event whose data is not JSON. */
  | { type: "malformed-sse"; chunks?: string[] }
  /** Say nothing until the client leaves (afterFirstChunk: headers + one chunk first). */
  | { type: "stall"; afterFirstChunk?: boolean; chunks?: string[] };

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text when it is not JSON, or null when empty. */
  body: unknown;
}

export interface FakeUpstream {
  /** Exactly what the SPEC's env var takes (OpenAI: `http://127.0.0.1:P/v1`; Anthropic / Gemini: `http://127.0.0.1:P`). */
  baseUrl: string;
  /** The server root `http://127.0.0.1:P`. */
  origin: string;
  requests: RecordedRequest[];
  /** Queue the next responses (one scenario per request, in order); when empty, the default reply. */
  script(...scenarios: FakeScenario[]): void;
  openSockets(): number;
  close(): Promise<void>;
}

export interface FakeUpstreamOptions {
  /** Fixed port (default: any free one). */
  port?: number;
  /** When set, requests without this key get the provider's 401. */
  apiKey?: string;
  /** Models listed by the models endpoint. */
  models?: string[];
}

/** The default reply: derived from the last user message so tests can see their prompt went through. */
export function defaultReply(lastUserText: string): Extract<FakeScenario, { type: "reply" }> {
  const text = `You said: ${lastUserText}`;
  const chunks = text.split(/(?<= )/);
  const inputTokens = Math.max(1, Math.ceil(lastUserText.length / 4)) + 8;
  return { type: "reply", chunks, usage: { inputTokens, outputTokens: chunks.length } };
}
