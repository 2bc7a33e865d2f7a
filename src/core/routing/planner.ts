import { AppError } from "../model/errors.js";
import type { ChatRequest } from "../model/chat-request.js";
import type { CircuitStore, StatsStore } from "../ports/stats-store.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import { cheapPromptEstimate, countPromptTokens, measurePrompt, type PromptTokenEstimate } from "../tokens/token-estimator.js";
import type { Exclusion } from "./candidate.js";
import { COOLING_DOWN, filterCandidates, requestNeeds, type FilterContext } from "./candidate-filter.js";
import { STRATEGIES } from "./strategies/index.js";
import { resolveTarget, type AllowFunction } from "./target-resolver.js";
import type { RoutePlan } from "./router.types.js";
import type { CatalogView, RouteView } from "./views.js";

/** Output tokens assumed for ranking and reservations when the request sets no maximum (SPEC §8). */
export const DEFAULT_EXPECTED_OUTPUT_TOKENS = 1_024;

export interface PlannerDeps {
  catalog: CatalogView;
  routes: RouteView;
  hasAdapter: (providerId: string) => boolean;
  circuits: CircuitStore;
  stats: StatsStore;
  clock: Clock;
  random: RandomSource;
  defaultOutputTokens?: number;
}

export interface PlanOptions {
  target?: string;
  allow?: AllowFunction;
}

/** Prompt estimate that tokenizes at most once, and only when the cheap bound does not fit a window. */
function lazyPromptEstimate(request: ChatRequest, maxOutputTokens: number) {
  let estimate: PromptTokenEstimate = cheapPromptEstimate(measurePrompt(request));
  const fits = (contextWindow: number): boolean => {
    if (estimate.upperBound + maxOutputTokens <= contextWindow) return true;
    if (!estimate.exact) {
      const tokens = countPromptTokens(request);
      estimate = { tokens, upperBound: tokens, exact: true };
    }
    return estimate.tokens + maxOutputTokens <= contextWindow;
  };
  return { fits, current: () => estimate };
}

export function planRoute(deps: PlannerDeps, request: ChatRequest, options: PlanOptions): RoutePlan {
  const resolved = resolveTarget(options.target, deps.catalog, deps.routes, options.allow);
  const route = resolved.route;
  const needs = requestNeeds(request, route.constraints);
  const prompt = lazyPromptEstimate(request, needs.maxOutputTokens);
  const context: FilterContext = {
    needs,
    constraints: route.constraints,
    circuits: deps.circuits,
    now: deps.clock.now(),
    allow: options.allow,
    routeName: resolved.routeName,
    hasAdapter: deps.hasAdapter,
    fits: prompt.fits,
  };
  const { eligible, exclusions } = filterCandidates(resolved.candidates, context);
  if (eligible.length === 0) {
    const forbidden = exclusions.length > 0 && exclusions.every((exclusion) => exclusion.reason === "not allowed for this key");
    const details = { target: resolved.requested, exclusions: exclusions.map((exclusion) => ({ model: exclusion.model.id, reason: exclusion.reason })) };
    if (forbidden) throw new AppError("FORBIDDEN", `this key may not use any model of "${resolved.requested}"`, { details });
    const cooling = coolingError(exclusions, resolved.requested, context, details);
    if (cooling) throw cooling;
    throw new AppError("NO_ROUTE", `no eligible model for "${resolved.requested}"`, { details });
  }
  const promptTokens = prompt.current();
  const expectedOutputTokens = request.maxOutputTokens ?? deps.defaultOutputTokens ?? DEFAULT_EXPECTED_OUTPUT_TOKENS;
  const result = STRATEGIES[route.strategy].order(eligible, {
    request,
    promptTokens: promptTokens.tokens,
    expectedOutputTokens,
    stats: deps.stats,
    random: deps.random,
  });
  return {
    request,
    requested: resolved.requested,
    route,
    routeName: resolved.routeName,
    strategy: route.strategy,
    candidates: result.ordered,
    exclusions,
    promptTokens,
    expectedOutputTokens,
    needs,
    reason: result.reason,
    warnings: [],
  };
}

/**
 * Every candidate is waiting out an upstream 429: the caller gets the upstream's rate limit (HTTP 429
 * with Retry-After on REST) rather than NO_ROUTE, since waiting is all it takes.
 */
function coolingError(exclusions: readonly Exclusion[], requested: string, context: FilterContext, details: Record<string, unknown>): AppError | null {
  if (exclusions.length === 0 || !exclusions.every((exclusion) => exclusion.reason.startsWith(COOLING_DOWN))) return null;
  let until = Number.POSITIVE_INFINITY;
  for (const exclusion of exclusions) until = Math.min(until, context.circuits.coolingUntil(exclusion.model.id, context.now) ?? context.now);
  const retryAfterMs = Math.max(0, until - context.now);
  return new AppError("UPSTREAM_ERROR", `every model of "${requested}" is rate limited upstream; retry in ${Math.ceil(retryAfterMs / 1000)} s`, {
    retryAfterMs,
    details: { ...details, upstreamKind: "rate_limit" },
  });
}
