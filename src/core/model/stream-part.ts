import type { GatewayError } from "./errors.js";
import type { ToolCall } from "./chat-request.js";
import type { Usage } from "./usage.js";

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error" | "other";

/**
 * What a provider adapter's stream yields, in order:
 * `start`? → (`text-delta` | `reasoning-delta` | `tool-call-delta` | `tool-call`)* → `finish`.
 * A failure is thrown as a GatewayError from the iterator (never yielded), so `for await` sees it.
 */
export type StreamPart =
  /** Upstream accepted the request; carries its response id / resolved model when the wire format has them. */
  | { type: "start"; responseId?: string; model?: string }
  | { type: "text-delta"; text: string }
  | { type: "reasoning-delta"; text: string }
  /** A fragment of a tool call as it streams; `id` and `name` arrive with the first fragment of an index. */
  | { type: "tool-call-delta"; index: number; id?: string; name?: string; argumentsDelta: string }
  /** A complete tool call (emitted once per call, after its fragments). */
  | { type: "tool-call"; index: number; call: ToolCall }
  | {
      type: "finish";
      finishReason: FinishReason;
      /** The provider's own finish reason string (`end_turn`, `STOP`, ...). */
      rawFinishReason: string | null;
      /** null when the upstream never reported usage. */
      usage: Usage | null;
    };

/** A non-streamed result (adapters implement `generate` with the upstream's non-stream endpoint). */
export interface GenerateResult {
  responseId?: string;
  model?: string;
  text: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  rawFinishReason: string | null;
  usage: Usage | null;
  /** The upstream's raw JSON body, for same-protocol pass-through responses. */
  raw?: unknown;
}

export type { GatewayError };
