import type { ChatRequest, ToolCall } from "../model/chat-request.js";
import { GatewayError, isGatewayError } from "../model/errors.js";
import type { FinishReason, StreamPart } from "../model/stream-part.js";
import type { Usage } from "../model/usage.js";
import type { LanguageModel } from "../ports/language-model.js";
import type { Clock } from "../ports/clock.js";

/** What one upstream attempt produced, filled in as it runs. */
export interface AttemptState {
  startedAt: number;
  firstTokenAt: number | null;
  endedAt: number;
  text: string;
  reasoning: string;
  toolArguments: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
  rawFinishReason: string | null;
  usage: Usage | null;
  error: GatewayError | null;
  abortedByCaller: boolean;
}

export interface AttemptLimits {
  timeoutMs: number;
  firstTokenTimeoutMs: number;
}

export function newAttemptState(clock: Clock): AttemptState {
  return {
    startedAt: clock.monotonic(),
    firstTokenAt: null,
    endedAt: 0,
    text: "",
    reasoning: "",
    toolArguments: "",
    toolCalls: [],
    finishReason: null,
    rawFinishReason: null,
    usage: null,
    error: null,
    abortedByCaller: false,
  };
}

/**
 * Timers and the caller's signal for one attempt, all funnelled into one AbortController whose signal
 * goes to the adapter (which closes the upstream socket when it fires).
 */
class AttemptGuard {
  readonly controller = new AbortController();
  timeoutKind: "first token" | "total" | null = null;
  callerAborted = false;
  private firstTokenTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly totalTimer: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = (): void => {
    this.callerAborted = true;
    this.controller.abort(new GatewayError("aborted", "aborted by the caller"));
  };

  constructor(private readonly limits: AttemptLimits, private readonly callerSignal: AbortSignal | undefined) {
    this.totalTimer = setTimeout(() => this.expire("total"), limits.timeoutMs);
    this.firstTokenTimer = setTimeout(() => this.expire("first token"), limits.firstTokenTimeoutMs);
    if (callerSignal?.aborted) this.onCallerAbort();
    else callerSignal?.addEventListener("abort", this.onCallerAbort, { once: true });
  }

  firstToken(): void {
    clearTimeout(this.firstTokenTimer);
    this.firstTokenTimer = undefined;
  }

  dispose(): void {
    clearTimeout(this.totalTimer);
    clearTimeout(this.firstTokenTimer);
    this.callerSignal?.removeEventListener("abort", this.onCallerAbort);
  }

  /** The error an attempt ends with, whatever the adapter threw once we aborted it. */
  toError(thrown: unknown): GatewayError {
    if (this.timeoutKind !== null && !this.callerAborted) {
      const ms = this.timeoutKind === "total" ? this.limits.timeoutMs : this.limits.firstTokenTimeoutMs;
      return new GatewayError("timeout", `${this.timeoutKind} timeout after ${ms} ms`, { cause: thrown });
    }
    if (this.callerAborted) return new GatewayError("aborted", "aborted by the caller", { cause: thrown });
    if (isGatewayError(thrown)) return thrown;
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    return new GatewayError("network", message, { cause: thrown });
  }

  private expire(kind: "first token" | "total"): void {
    this.timeoutKind = kind;
    this.controller.abort(new GatewayError("timeout", `${kind} timeout`));
  }
}

function isToken(part: StreamPart): boolean {
  return part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-call-delta" || part.type === "tool-call";
}

function absorb(state: AttemptState, part: StreamPart): void {
  switch (part.type) {
    case "text-delta":
      state.text += part.text;
      return;
    case "reasoning-delta":
      state.reasoning += part.text;
      return;
    case "tool-call-delta":
      state.toolArguments += part.argumentsDelta;
      return;
    case "tool-call":
      state.toolCalls.push(part.call);
      return;
    case "finish":
      state.finishReason = part.finishReason;
      state.rawFinishReason = part.rawFinishReason;
      state.usage = part.usage;
      return;
    case "start":
      return;
  }
}

/** Streams one attempt, yielding its token parts; failures land in `state.error`, never thrown. */
export async function* streamAttempt(model: LanguageModel, request: ChatRequest, limits: AttemptLimits, signal: AbortSignal | undefined, state: AttemptState, clock: Clock): AsyncGenerator<StreamPart, void> {
  const guard = new AttemptGuard(limits, signal);
  try {
    for await (const part of model.stream(request, { signal: guard.controller.signal })) {
      if (guard.controller.signal.aborted) throw guard.controller.signal.reason;
      absorb(state, part);
      if (!isToken(part)) continue;
      if (state.firstTokenAt === null) {
        state.firstTokenAt = clock.monotonic();
        guard.firstToken();
      }
      yield part;
    }
    if (guard.controller.signal.aborted) throw guard.controller.signal.reason;
  } catch (thrown) {
    state.error = guard.toError(thrown);
    state.abortedByCaller = guard.callerAborted;
  } finally {
    guard.dispose();
    state.endedAt = clock.monotonic();
  }
}

/** One non-streamed attempt (the upstream's non-stream endpoint); only the total limit applies, there is no first token. */
export async function generateAttempt(model: LanguageModel, request: ChatRequest, limits: AttemptLimits, signal: AbortSignal | undefined, state: AttemptState, clock: Clock): Promise<void> {
  const guard = new AttemptGuard({ timeoutMs: limits.timeoutMs, firstTokenTimeoutMs: limits.timeoutMs }, signal);
  try {
    const result = await model.generate(request, { signal: guard.controller.signal });
    if (guard.controller.signal.aborted) throw guard.controller.signal.reason;
    state.firstTokenAt = clock.monotonic();
    state.text = result.text;
    state.reasoning = result.reasoning ?? "";
    state.toolCalls = result.toolCalls;
    state.finishReason = result.finishReason;
    state.rawFinishReason = result.rawFinishReason;
    state.usage = result.usage;
  } catch (thrown) {
    state.error = guard.toError(thrown);
    state.abortedByCaller = guard.callerAborted;
  } finally {
    guard.dispose();
    state.endedAt = clock.monotonic();
  }
}
