import { randomUUID } from "node:crypto";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { AppError, appErrorFromGateway, isGatewayError } from "../../core/model/errors.js";
import type { Router } from "../../core/routing/router.js";
import type { RouteOutcome, RoutePlan, RouterEvent } from "../../core/routing/router.types.js";
import type { NewCompletionRequestRow, RequestProtocolValue } from "../../db/schema/index.js";
import type { Principal } from "../auth/api-key.service.js";
import { OPEN_ADMISSION, type AdmissionControl, type AdmissionTicket } from "./admission.js";
import { NO_METRICS, type CompletionMetrics } from "./completion-metrics.js";
import type { RequestLog } from "./request-log.js";

export interface CompletionCaller {
  principal: Principal;
  protocol: RequestProtocolValue;
}

export interface CompletionInput {
  request: ChatRequest;
  /** `provider/model`, a bare name, `route:NAME` or `auto`; empty → the `default` route. */
  target?: string | null;
  stream: boolean;
  conversationId?: string | null;
  signal?: AbortSignal;
  /** How the caller shaped the request (e.g. history trimmed); stored with the request's warnings. */
  notes?: readonly string[];
}

/** The stored form of a finished request, as the API layers show it. */
export interface SettledCompletion {
  id: string;
  outcome: RouteOutcome;
  /** The caller-facing error when the request failed (mapped from the upstream's). */
  error: AppError | null;
  /** Resolves when the settled row is durable (await it for read-your-writes). */
  persisted: Promise<void>;
}

export type CompletionEvent = RouterEvent | { type: "settled"; completion: SettledCompletion };

export interface CompletionRun {
  id: string;
  plan: RoutePlan;
  /** Router events, then one `settled` event. Iterate once. Breaking out aborts the upstream. */
  events: AsyncIterable<CompletionEvent>;
}

export interface CompletionServiceDeps {
  router: Router;
  requestLog: RequestLog;
  instanceId: string;
  admission?: AdmissionControl;
  metrics?: CompletionMetrics;
  allow?: (principal: Principal) => ((modelId: string, routeName?: string) => boolean) | undefined;
}

/**
 * Runs one completion through the routing core and records it: plan (NOT_FOUND / FORBIDDEN /
 * NO_ROUTE), admission (RATE_LIMITED / BUDGET_EXCEEDED) — both before any upstream call and
 * before any row — then the RUNNING row, the upstream attempts, and the settled row with usage,
 * cost and the decision trail. The same path serves GraphQL and both REST protocols.
 */
export class CompletionService {
  private readonly admission: AdmissionControl;
  private readonly metrics: CompletionMetrics;

  constructor(private readonly deps: CompletionServiceDeps) {
    this.admission = deps.admission ?? OPEN_ADMISSION;
    this.metrics = deps.metrics ?? NO_METRICS;
  }

  /** Plans and admits the request; throws AppError when it is refused. */
  async start(caller: CompletionCaller, input: CompletionInput): Promise<CompletionRun> {
    const begun = await this.begin(caller, input);
    const events = input.stream
      ? this.events(begun, caller, input)
      : new WholeRunEvents((into) => this.runWhole(begun, caller, input, into));
    return { id: begun.id, plan: begun.plan, events };
  }

  /**
   * A whole (non-streamed or collected) completion: start, run, settle. Non-stream requests take the
   * router's promise path (no event generators, no buffered events); streamed ones drain the events.
   */
  async complete(caller: CompletionCaller, input: CompletionInput): Promise<{ run: CompletionRun; completion: SettledCompletion }> {
    if (!input.stream) {
      const begun = await this.begin(caller, input);
      const completion = await this.runWhole(begun, caller, input, undefined);
      const run: CompletionRun = { id: begun.id, plan: begun.plan, events: new WholeRunEvents(async () => completion) };
      return { run, completion };
    }
    const run = await this.start(caller, input);
    let completion: SettledCompletion | null = null;
    for await (const event of run.events) if (event.type === "settled") completion = event.completion;
    if (!completion) throw new AppError("INTERNAL_SERVER_ERROR", "completion ended without an outcome");
    return { run, completion };
  }

  /** Plan, admission, the RUNNING row. */
  private async begin(caller: CompletionCaller, input: CompletionInput): Promise<Begun> {
    const id = randomUUID();
    let plan: RoutePlan;
    let ticket: AdmissionTicket;
    try {
      validateRequest(input.request);
      plan = this.deps.router.plan(input.request, {
        target: input.target ?? undefined,
        allow: this.allowFor(caller.principal),
      });
      ticket = await this.admission.admit(caller.principal, plan, id);
    } catch (error) {
      if (error instanceof AppError) this.metrics.rejected(error.code.toLowerCase());
      throw error;
    }
    const base = this.baseRow(id, caller, input, plan, new Date());
    this.deps.requestLog.start(base);
    return { id, plan, ticket, base };
  }

  /** A non-streamed run on the router's promise path; the router's events go to `into` when given. */
  private async runWhole(begun: Begun, caller: CompletionCaller, input: CompletionInput, into: RouterEvent[] | undefined): Promise<SettledCompletion> {
    const outcome = await this.deps.router.generate(begun.plan, { signal: input.signal }, into);
    return this.settle(begun.id, caller, begun.base, outcome, begun.ticket, input.notes);
  }

  private allowFor(principal: Principal): ((modelId: string, routeName?: string) => boolean) | undefined {
    if (this.deps.allow) return this.deps.allow(principal);
    const allowed = principal.allowedModels;
    if (!allowed || allowed.length === 0) return undefined;
    const set = new Set(allowed);
    return (modelId, routeName) => set.has(modelId) || (routeName !== undefined && set.has(`route:${routeName}`));
  }

  private async *events(begun: Begun, caller: CompletionCaller, input: CompletionInput): AsyncGenerator<CompletionEvent> {
    const { id, plan, ticket, base } = begun;
    // Our own controller: a consumer that stops iterating (unsubscribe, client gone) aborts upstream.
    const controller = new AbortController();
    const onCallerAbort = () => controller.abort(input.signal?.reason);
    if (input.signal?.aborted) controller.abort(input.signal.reason);
    else input.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const iterator = this.deps.router.execute(plan, { signal: controller.signal, stream: input.stream })[Symbol.asyncIterator]();
    let outcome: RouteOutcome | null = null;
    try {
      for (;;) {
        const next = await iterator.next();
        if (next.done) break;
        if (next.value.type === "done") {
          outcome = next.value.outcome;
          break;
        }
        yield next.value;
      }
    } finally {
      input.signal?.removeEventListener("abort", onCallerAbort);
      if (!outcome) {
        // The consumer left early (unsubscribe, socket gone): abort the upstream, then let the router
        // finish so its ABORTED outcome, with the usage consumed so far, is what gets settled.
        controller.abort(new Error("client went away"));
        const drained = await drainOutcome(iterator, plan);
        this.settle(id, caller, base, drained, ticket, input.notes);
      }
    }
    if (!outcome) return;
    const completion = this.settle(id, caller, base, outcome, ticket, input.notes);
    yield { type: "settled", completion };
  }

  private settle(
    id: string,
    caller: CompletionCaller,
    base: NewCompletionRequestRow & { id: string },
    outcome: RouteOutcome,
    ticket: AdmissionTicket,
    notes: readonly string[] | undefined,
  ): SettledCompletion {
    const error = outcome.error ? (isGatewayError(outcome.error) ? appErrorFromGateway(outcome.error) : outcome.error) : null;
    const usage = outcome.usage;
    // The base row is this request's own object: the settled fields go onto it (no 30-field spread
    // per request), and the request log sees the same object it queued at start (no merge either).
    const row = base;
    row.servedModel = outcome.model?.id ?? null;
    row.providerId = outcome.model?.providerId ?? null;
    row.status = outcome.status;
    row.inputTokens = usage?.inputTokens ?? 0;
    row.outputTokens = usage?.outputTokens ?? 0;
    row.cachedInputTokens = usage?.cachedInputTokens ?? 0;
    row.cacheWriteInputTokens = usage?.cacheWriteInputTokens ?? 0;
    row.reasoningTokens = usage?.reasoningTokens ?? 0;
    row.usageSource = usage?.source ?? null;
    row.costUsd = outcome.cost?.totalUsd ?? null;
    row.priceSource = outcome.cost?.priceSource ?? null;
    row.unpriced = outcome.unpriced;
    row.finishReason = outcome.finishReason;
    row.errorCode = error?.code ?? (outcome.status === "ABORTED" ? "ABORTED" : null);
    row.errorMessage = error?.message ?? null;
    row.latencyMs = Math.round(outcome.latencyMs);
    row.timeToFirstTokenMs = outcome.timeToFirstTokenMs === null ? null : Math.round(outcome.timeToFirstTokenMs);
    row.decision = outcome.trail as unknown as NewCompletionRequestRow["decision"];
    row.warnings = notes?.length ? [...notes, ...outcome.trail.warnings] : outcome.trail.warnings;
    row.finishedAt = new Date();
    const settledTicket = ticket.settle(outcome);
    this.deps.requestLog.settleLater(row);
    this.metrics.completed(caller.protocol, outcome);
    return new Settled(id, outcome, error, settledTicket, this.deps.requestLog);
  }

  private baseRow(
    id: string,
    caller: CompletionCaller,
    input: CompletionInput,
    plan: RoutePlan,
    createdAt: Date,
  ): NewCompletionRequestRow & { id: string } {
    return {
      id,
      apiKeyId: caller.principal.keyId,
      conversationId: input.conversationId ?? null,
      instanceId: this.deps.instanceId,
      protocol: caller.protocol,
      stream: input.stream,
      requestedModel: plan.requested,
      status: "RUNNING",
      metadata: input.request.metadata ?? null,
      warnings: input.notes?.length ? [...input.notes, ...plan.warnings] : plan.warnings,
      createdAt,
    };
  }
}

/**
 * A settled completion whose `persisted` promise is made on first read: only callers that need
 * read-your-writes (GraphQL) make the request log flush at once; REST rows ride the next batch.
 */
class Settled implements SettledCompletion {
  private written: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly outcome: RouteOutcome,
    readonly error: AppError | null,
    private readonly settledTicket: Promise<void>,
    private readonly requestLog: RequestLog,
  ) {}

  get persisted(): Promise<void> {
    return (this.written ??= Promise.all([this.requestLog.whenWritten(this.id), this.settledTicket]).then(() => undefined));
  }
}

interface Begun {
  id: string;
  plan: RoutePlan;
  ticket: AdmissionTicket;
  base: NewCompletionRequestRow & { id: string };
}

/**
 * The events of a non-streamed run without an async generator: the first `next()` runs the whole
 * request (router promise path), then the router's events and the `settled` event are handed out
 * from a buffer. Iterate once. Leaving early (`return()`) after the first `next()` still settles the
 * request (the outcome is already known by then); a run never iterated is not executed at all, like
 * a generator that was never started.
 */
class WholeRunEvents implements AsyncIterableIterator<CompletionEvent> {
  private buffer: CompletionEvent[] | null = null;
  private index = 0;
  private running: Promise<void> | null = null;

  constructor(private readonly runWith: (into: RouterEvent[]) => Promise<SettledCompletion>) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<CompletionEvent>> {
    if (this.buffer === null) await (this.running ??= this.run());
    const buffer = this.buffer as CompletionEvent[] | null;
    if (buffer !== null && this.index < buffer.length) return { done: false, value: buffer[this.index++] as CompletionEvent };
    return { done: true, value: undefined };
  }

  async return(): Promise<IteratorResult<CompletionEvent>> {
    if (this.running) await this.running.catch(() => undefined);
    this.buffer = [];
    return { done: true, value: undefined };
  }

  private async run(): Promise<void> {
    const events: CompletionEvent[] = [];
    const into: RouterEvent[] = [];
    const completion = await this.runWith(into);
    for (const event of into) events.push(event);
    events.push({ type: "settled", completion });
    this.buffer = events;
  }
}

/** Reads the router's remaining events (it has been aborted) until its outcome. */
async function drainOutcome(iterator: AsyncIterator<RouterEvent>, plan: RoutePlan): Promise<RouteOutcome> {
  for (;;) {
    const next = await iterator.next();
    if (next.done) break;
    if (next.value.type === "done") return next.value.outcome;
  }
  return {
    status: "ABORTED",
    model: null,
    usage: null,
    cost: null,
    unpriced: false,
    finishReason: null,
    rawFinishReason: null,
    text: "",
    reasoning: "",
    toolCalls: [],
    latencyMs: 0,
    timeToFirstTokenMs: null,
    trail: {
      requested: plan.requested,
      route: plan.routeName,
      strategy: plan.strategy,
      candidates: [],
      attempts: [],
      reason: "aborted before routing ran",
      warnings: plan.warnings,
    },
  };
}

/** Far above the largest output limit of any model (~128k today); a larger maxTokens is bad input. */
export const MAX_OUTPUT_TOKENS = 10_000_000;

function validateRequest(request: ChatRequest): void {
  if (request.messages.length === 0) throw new AppError("BAD_USER_INPUT", "messages must not be empty");
  if (request.maxOutputTokens !== undefined && (!Number.isInteger(request.maxOutputTokens) || request.maxOutputTokens < 1)) {
    throw new AppError("BAD_USER_INPUT", "maxTokens must be a positive integer");
  }
  // Above any model's output limit: the caller's mistake (400), not a routing failure (NO_ROUTE 503).
  if (request.maxOutputTokens !== undefined && request.maxOutputTokens > MAX_OUTPUT_TOKENS) {
    throw new AppError("BAD_USER_INPUT", `maxTokens must be at most ${MAX_OUTPUT_TOKENS}`);
  }
  if (request.temperature !== undefined && (request.temperature < 0 || request.temperature > 2)) {
    throw new AppError("BAD_USER_INPUT", "temperature must be between 0 and 2");
  }
}
