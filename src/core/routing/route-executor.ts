import { AppError, type GatewayError } from "../model/errors.js";
import type { CatalogModel } from "../model/catalog.js";
import type { Usage } from "../model/usage.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { LanguageModel, ProviderAdapter } from "../ports/language-model.js";
import type { CircuitStore, StatsStore } from "../ports/stats-store.js";
import { computeCost } from "../pricing/cost.js";
import { countOutputTokens, countPromptTokens } from "../tokens/token-estimator.js";
import { generateAttempt, newAttemptState, streamAttempt, type AttemptState } from "./attempt.js";
import { backoffDelay, type BackoffOptions } from "./backoff.js";
import type { AttemptRecord, DecisionTrail, ExecuteOptions, OutcomeStatus, RouteOutcome, RoutePlan, RouterEvent } from "./router.types.js";

export interface ExecutorDeps {
  adapters: (providerId: string) => ProviderAdapter | undefined;
  circuits: CircuitStore;
  stats: StatsStore;
  clock: Clock;
  random: RandomSource;
  backoff: BackoffOptions;
}

/** Cool-down after a 429 that carried no Retry-After. */
const DEFAULT_RATE_LIMIT_COOLDOWN_MS = 1_000;
/** Extra wait after a Retry-After before retrying the same deployment (see nextStep). */
const RETRY_AFTER_MARGIN_MS = 15;
const CALLER_FAULT = new Set(["bad_request", "context_length", "content_filter"]);

/** Mutable bookkeeping of one execution. */
interface Run {
  startedAt: number;
  firstTokenAt: number | null;
  trail: DecisionTrail;
  skipped: Map<string, string>;
  last: { model: CatalogModel; state: AttemptState } | null;
  lastError: GatewayError | null;
}

function recordHealth(deps: ExecutorDeps, model: CatalogModel, state: AttemptState): void {
  const now = deps.clock.now();
  const latencyMs = state.endedAt - state.startedAt;
  const ttft = state.firstTokenAt === null ? null : state.firstTokenAt - state.startedAt;
  const error = state.error;
  if (!error) {
    deps.circuits.onSuccess(model.id, now);
    deps.stats.record(model.id, { ok: true, latencyMs, timeToFirstTokenMs: ttft });
    return;
  }
  // The caller's own fault or abort says nothing bad about the deployment.
  if (CALLER_FAULT.has(error.kind) || (error.kind === "aborted" && state.firstTokenAt !== null)) {
    deps.circuits.onSuccess(model.id, now);
    return;
  }
  if (error.kind === "aborted") return;
  if (error.kind === "rate_limit") deps.circuits.onFailure(model.id, now, { cooldownMs: error.retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS });
  else deps.circuits.onFailure(model.id, now);
  deps.stats.record(model.id, { ok: false, latencyMs, timeToFirstTokenMs: ttft });
}

function attemptRecord(attempt: number, model: CatalogModel, state: AttemptState, clock: Clock): AttemptRecord {
  const error = state.error;
  const latencyMs = state.endedAt - state.startedAt;
  return {
    attempt,
    provider: model.providerId,
    model: model.id,
    status: error === null ? "SUCCEEDED" : error.kind === "aborted" ? "ABORTED" : "FAILED",
    errorKind: error?.kind ?? null,
    errorMessage: error?.message ?? null,
    httpStatus: error?.status ?? null,
    latencyMs,
    timeToFirstTokenMs: state.firstTokenAt === null ? null : state.firstTokenAt - state.startedAt,
    startedAt: new Date(clock.now() - latencyMs),
  };
}

/** Usage of the served attempt: as reported, or counted with the tokenizer when the upstream never said. */
function settleUsage(plan: RoutePlan, state: AttemptState): Usage {
  if (state.usage) return state.usage;
  const inputTokens = plan.promptTokens.exact ? plan.promptTokens.tokens : countPromptTokens(plan.request);
  const outputTokens = countOutputTokens(state);
  const reasoningTokens = state.reasoning.length === 0 ? 0 : countOutputTokens({ text: "", reasoning: state.reasoning, toolArguments: "" });
  return { inputTokens, outputTokens, cachedInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens, source: "ESTIMATED" };
}

function finish(plan: RoutePlan, run: Run, deps: ExecutorDeps, status: OutcomeStatus, error?: GatewayError | AppError): RouterEvent {
  return { type: "done", outcome: finishOutcome(plan, run, deps, status, error) };
}

function finishOutcome(plan: RoutePlan, run: Run, deps: ExecutorDeps, status: OutcomeStatus, error?: GatewayError | AppError): RouteOutcome {
  const last = run.last;
  const state = last?.state;
  // Without a first token and without reported usage, a failed upstream billed nothing we can know of.
  const billed = state !== undefined && (state.usage !== null || state.firstTokenAt !== null || status === "ABORTED");
  const usage = billed && state ? settleUsage(plan, state) : null;
  const cost = usage && last ? computeCost(usage, last.model.pricing) : null;
  const trail = run.trail;
  trail.candidates = plan.candidates.map((candidate, index) => ({
    model: candidate.model.id,
    eligible: true,
    reason: run.skipped.get(candidate.model.id) ?? (index === 0 ? `first choice: ${plan.reason}` : `failover #${index}`),
  }));
  for (const exclusion of plan.exclusions) trail.candidates.push({ model: exclusion.model.id, eligible: false, reason: exclusion.reason });
  const outcome: RouteOutcome = {
    status,
    model: last?.model ?? null,
    usage,
    cost,
    unpriced: usage !== null && cost === null,
    finishReason: state?.finishReason ?? (status === "SUCCEEDED" ? "stop" : status === "FAILED" ? "error" : null),
    rawFinishReason: state?.rawFinishReason ?? null,
    text: state?.text ?? "",
    reasoning: state?.reasoning ?? "",
    toolCalls: state?.toolCalls ?? [],
    error,
    latencyMs: deps.clock.monotonic() - run.startedAt,
    timeToFirstTokenMs: run.firstTokenAt === null ? null : run.firstTokenAt - run.startedAt,
    trail,
  };
  return outcome;
}

function addWarnings(trail: DecisionTrail, plan: RoutePlan, model: CatalogModel, warnings: string[]): void {
  if (plan.needs.json && !model.capabilities.includes("JSON_OUTPUT")) warnings.push(`${model.id} has no native JSON mode; JSON output is emulated`);
  for (const warning of warnings) if (!trail.warnings.includes(warning)) trail.warnings.push(warning);
}

type NextStep = { kind: "stop" } | { kind: "next"; delayMs: number } | { kind: "same"; delayMs: number };

/** SPEC §2/§8 failover: retryable errors move on with backoff; 429 moves on at once or waits on the last candidate. */
function nextStep(plan: RoutePlan, deps: ExecutorDeps, index: number, attempts: number, error: GatewayError): NextStep {
  if (!error.isRetryable || attempts >= plan.route.maxAttempts) return { kind: "stop" };
  const hasNext = index + 1 < plan.candidates.length;
  if (error.kind === "rate_limit") {
    if (hasNext) return { kind: "next", delayMs: 0 };
    // Without Retry-After the deployment still cools down (recordHealth): wait that long, not a shorter
    // backoff that would find it cooling and skip the only candidate.
    const wait = error.retryAfterMs ?? DEFAULT_RATE_LIMIT_COOLDOWN_MS;
    // The margin: the deployment cools down until now + wait (wall clock), and a timer can fire a few ms
    // early against Date.now() (it runs on the event loop's cached time) — the retry would then find its own
    // cool-down still on, skip the only candidate and fail the request.
    return wait <= plan.route.maxRetryAfterMs ? { kind: "same", delayMs: wait + RETRY_AFTER_MARGIN_MS } : { kind: "stop" };
  }
  const delayMs = backoffDelay(attempts, deps.backoff, deps.random);
  return hasNext ? { kind: "next", delayMs } : { kind: "same", delayMs };
}

function newRun(deps: ExecutorDeps, plan: RoutePlan): Run {
  return {
    startedAt: deps.clock.monotonic(),
    firstTokenAt: null,
    trail: { requested: plan.requested, route: plan.routeName, strategy: plan.strategy, candidates: [], attempts: [], reason: plan.reason, warnings: [...plan.warnings] },
    skipped: new Map(),
    last: null,
    lastError: null,
  };
}

/**
 * The candidate at `index` as the next attempt: its language model, with the attempt's warnings and
 * reason recorded; null (recorded as skipped) when its provider is gone or its circuit admits nothing now.
 */
function startAttempt(deps: ExecutorDeps, plan: RoutePlan, run: Run, index: number, attempt: number): { model: CatalogModel; languageModel: LanguageModel } | null {
  const model = (plan.candidates[index] as { model: CatalogModel }).model;
  const adapter = deps.adapters(model.providerId);
  if (!adapter || !deps.circuits.tryAcquire(model.id, deps.clock.now())) {
    run.skipped.set(model.id, adapter ? "skipped: circuit not available" : "skipped: provider not configured");
    return null;
  }
  const languageModel = adapter.languageModel(model.name);
  addWarnings(run.trail, plan, model, languageModel.warnings(plan.request));
  run.trail.reason = attempt === 1 ? plan.reason : `failover after ${run.lastError?.kind ?? "error"}: ${plan.reason}`;
  return { model, languageModel };
}

/**
 * A non-streamed plan as one promise: the same attempts, failover, health records and outcome as
 * executePlan with `stream: false`, without the async-generator hops per event (the bench profile
 * had the generator chain at ≈ 13 % of a non-stream request). The events executePlan would yield
 * (route decisions, the text part, failed attempts) are pushed to `events` when it is given.
 */
export async function executePlanWhole(deps: ExecutorDeps, plan: RoutePlan, signal: AbortSignal | undefined, events?: RouterEvent[]): Promise<RouteOutcome> {
  const run = newRun(deps, plan);
  const limits = { timeoutMs: plan.route.timeoutMs, firstTokenTimeoutMs: plan.route.firstTokenTimeoutMs };
  let index = 0;
  let attempts = 0;
  while (index < plan.candidates.length && attempts < plan.route.maxAttempts) {
    if (signal?.aborted) return finishOutcome(plan, run, deps, "ABORTED", new AppError("UPSTREAM_ERROR", "aborted by the caller"));
    const started = startAttempt(deps, plan, run, index, attempts + 1);
    if (!started) {
      index++;
      continue;
    }
    attempts++;
    const { model, languageModel } = started;
    events?.push({ type: "route-decided", attempt: attempts, model, reason: run.trail.reason });
    const state = newAttemptState(deps.clock);
    run.last = { model, state };
    await generateAttempt(languageModel, plan.request, limits, signal, state, deps.clock);
    if (!state.error) {
      run.firstTokenAt = state.firstTokenAt;
      if (state.text.length > 0) events?.push({ type: "part", part: { type: "text-delta", text: state.text } });
    }
    recordHealth(deps, model, state);
    run.trail.attempts.push(attemptRecord(attempts, model, state, deps.clock));
    const error = state.error;
    if (!error) return finishOutcome(plan, run, deps, "SUCCEEDED");
    run.lastError = error;
    if (state.abortedByCaller) return finishOutcome(plan, run, deps, "ABORTED", error);
    const step = nextStep(plan, deps, index, attempts, error);
    events?.push({ type: "attempt-failed", attempt: attempts, model, error, willFailOver: step.kind !== "stop" });
    if (step.kind === "stop") return finishOutcome(plan, run, deps, "FAILED", error);
    if (step.kind === "next") index++;
    if (step.delayMs > 0) {
      try {
        await deps.clock.sleep(step.delayMs, signal);
      } catch {
        return finishOutcome(plan, run, deps, "ABORTED", error);
      }
    }
  }
  return finishOutcome(plan, run, deps, "FAILED", run.lastError ?? new AppError("NO_ROUTE", `no candidate of "${plan.requested}" is available now`));
}

/** Runs a plan: attempts in order with failover, yielding route decisions, parts and one final `done`. */
export async function* executePlan(deps: ExecutorDeps, plan: RoutePlan, options: ExecuteOptions): AsyncGenerator<RouterEvent, void> {
  const run = newRun(deps, plan);
  const signal = options.signal;
  const limits = { timeoutMs: plan.route.timeoutMs, firstTokenTimeoutMs: plan.route.firstTokenTimeoutMs };
  let index = 0;
  let attempts = 0;
  while (index < plan.candidates.length && attempts < plan.route.maxAttempts) {
    if (signal?.aborted) return yield finish(plan, run, deps, "ABORTED", new AppError("UPSTREAM_ERROR", "aborted by the caller"));
    const started = startAttempt(deps, plan, run, index, attempts + 1);
    if (!started) {
      index++;
      continue;
    }
    attempts++;
    const { model, languageModel } = started;
    yield { type: "route-decided", attempt: attempts, model, reason: run.trail.reason };
    const state = newAttemptState(deps.clock);
    run.last = { model, state };
    if (options.stream) {
      for await (const part of streamAttempt(languageModel, plan.request, limits, signal, state, deps.clock)) {
        run.firstTokenAt ??= state.firstTokenAt;
        yield { type: "part", part };
      }
    } else {
      await generateAttempt(languageModel, plan.request, limits, signal, state, deps.clock);
      if (!state.error) {
        run.firstTokenAt = state.firstTokenAt;
        if (state.text.length > 0) yield { type: "part", part: { type: "text-delta", text: state.text } };
      }
    }
    recordHealth(deps, model, state);
    run.trail.attempts.push(attemptRecord(attempts, model, state, deps.clock));
    const error = state.error;
    if (!error) return yield finish(plan, run, deps, "SUCCEEDED");
    run.lastError = error;
    if (state.abortedByCaller) return yield finish(plan, run, deps, "ABORTED", error);
    // After tokens reached the caller, failing over would splice two answers: end the stream here.
    const step: NextStep = state.firstTokenAt !== null ? { kind: "stop" } : nextStep(plan, deps, index, attempts, error);
    yield { type: "attempt-failed", attempt: attempts, model, error, willFailOver: step.kind !== "stop" };
    if (step.kind === "stop") return yield finish(plan, run, deps, "FAILED", error);
    if (step.kind === "next") index++;
    if (step.delayMs > 0) {
      try {
        await deps.clock.sleep(step.delayMs, signal);
      } catch {
        return yield finish(plan, run, deps, "ABORTED", error);
      }
    }
  }
  const error = run.lastError ?? new AppError("NO_ROUTE", `no candidate of "${plan.requested}" is available now`);
  yield finish(plan, run, deps, "FAILED", error);
}
