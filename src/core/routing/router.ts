import type { ChatRequest } from "../model/chat-request.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { ProviderAdapter } from "../ports/language-model.js";
import type { CircuitStore, StatsStore } from "../ports/stats-store.js";
import { DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { planRoute, type PlanOptions } from "./planner.js";
import { executePlan, executePlanWhole } from "./route-executor.js";
import type { ExecuteOptions, RouteOutcome, RoutePlan, RouterEvent } from "./router.types.js";
import type { CatalogView, RouteView } from "./views.js";

export interface RouterDeps {
  catalog: CatalogView;
  routes: RouteView;
  adapters: (providerId: string) => ProviderAdapter | undefined;
  circuits: CircuitStore;
  stats: StatsStore;
  clock: Clock;
  random: RandomSource;
  /** Jittered exponential backoff between failover attempts. */
  retry?: Partial<BackoffOptions>;
  /** Output tokens assumed when a request sets no maximum (SPEC: SWITCHYARD_DEFAULT_RESERVE_TOKENS). */
  defaultOutputTokens?: number;
}

export interface Router {
  /**
   * Synchronous and cheap: resolves the target, filters and orders candidates. Throws AppError
   * NOT_FOUND / FORBIDDEN / NO_ROUTE. The services layer reserves budget from the plan, then executes it.
   */
  plan(request: ChatRequest, options?: PlanOptions): RoutePlan;
  /** Runs the plan with failover. Always ends with one `done` event, on success, failure and abort alike. */
  execute(plan: RoutePlan, options: ExecuteOptions): AsyncIterable<RouterEvent>;
  /**
   * `execute` with `stream: false` as one promise of the outcome (no per-event async hops). The events
   * `execute` would have yielded before `done` are pushed to `events` when given.
   */
  generate(plan: RoutePlan, options: { signal?: AbortSignal }, events?: RouterEvent[]): Promise<RouteOutcome>;
}

export function createRouter(deps: RouterDeps): Router {
  const hasAdapter = (providerId: string): boolean => deps.adapters(providerId) !== undefined;
  const plannerDeps = { ...deps, hasAdapter };
  const executorDeps = { ...deps, backoff: { ...DEFAULT_BACKOFF, ...deps.retry } };
  return {
    plan: (request, options = {}) => planRoute(plannerDeps, request, options),
    execute: (plan, options) => executePlan(executorDeps, plan, options),
    generate: (plan, options, events) => executePlanWhole(executorDeps, plan, options.signal, events),
  };
}
