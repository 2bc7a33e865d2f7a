import { sql } from "drizzle-orm";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { AppError } from "../../core/model/errors.js";
import type { RouteOutcome, RoutePlan } from "../../core/routing/router.types.js";
import type { Database } from "../../db/client.js";
import type { Principal } from "../auth/api-key.service.js";
import { UNLIMITED_TICKET, type AdmissionControl, type AdmissionTicket } from "../completion/admission.js";
import { RPM_LEASE_MIN, RateLimitLeases, TPM_LEASE_MIN } from "../rate-limits/rate-limit-leases.js";
import { RateLimits, limited, type RateLimitPass } from "../rate-limits/rate-limits.js";
import { rpmKey, runAdmissionStatement, type AdmissionStatementResult } from "./admission-statement.js";
import { BudgetLedger, type BudgetReservation } from "./budget-ledger.js";
import { BudgetLeases, type LeaseHold } from "./budget-leases.js";
import { estimateReservation } from "./reservation-estimate.js";
import { SettlementBatch } from "./settlement-batch.js";

export interface AdmissionControlDeps {
  database: Database;
  logger: Logger;
  /** REDIS_URL: rate-limit windows in Redis instead of Postgres. */
  redisUrl?: string | null;
  clock?: () => Date;
  /** Open reservations older than this are released by the sweeper (default 1 h). */
  staleReservationMs?: number;
  /** How often the sweeper runs (default 10 s; 0 = never). */
  sweepIntervalMs?: number;
  /** Names this instance's budget lease rows (`lease:<instanceId>`); default pid + random. */
  instanceId?: string;
  /** How often leased spend and token charges are written (default 200 ms; 0 = only by flushLeases()/close()). */
  leaseFlushIntervalMs?: number;
  /** Unused leases are given back after this long without a request on the key (default 1 s). */
  leaseIdleMs?: number;
  /** A budget lease not renewed for this long belongs to a dead instance and is released by the sweeper (default 15 s). */
  leaseTtlMs?: number;
}

/** The gateway's admission control plus what the admin API and shutdown need of it. */
export interface GatewayAdmission extends AdmissionControl {
  budgets: BudgetLedger;
  /** Writes leased spend and token charges and returns idle leases now (the flusher does it periodically). */
  flushLeases(): Promise<void>;
  close(): Promise<void>;
}

const ZERO_USD = "0";

/**
 * Budgets + rate limits as one AdmissionControl (pass it to createGateway({ admission })).
 * A key with neither budget nor limits is admitted without any I/O. Large budgets and limits are
 * admitted against leases held by this instance (no I/O per request; see BudgetLeases and
 * RateLimitLeases); small ones take the exact path — one statement doing the RPM count, the TPM read
 * and the budget reservation, with group-committed settlements. If any part refuses, the others are
 * undone, and the request is refused before any upstream call and before any row.
 */
export function createAdmissionControl(deps: AdmissionControlDeps): GatewayAdmission {
  const budgets = new BudgetLedger({ database: deps.database, clock: deps.clock });
  const redis = deps.redisUrl ? new Redis(deps.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }) : null;
  redis?.on("error", (error) => deps.logger.warn({ err: error }, "redis (rate limits) error"));
  const idleReturnMs = deps.leaseIdleMs ?? 1_000;
  // Postgres: one statement to admit, group-committed settlements, leased windows. Redis: rate-limiter-flexible.
  const store: LimitStore = redis
    ? { kind: "redis", rateLimits: new RateLimits(redis) }
    : {
        kind: "postgres",
        settlements: new SettlementBatch(deps.database, { clock: deps.clock }),
        rateLeases: new RateLimitLeases({ database: deps.database, clock: deps.clock, idleReturnMs }),
      };
  const instanceId = deps.instanceId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const leaseTtlMs = deps.leaseTtlMs ?? 15_000;
  const budgetLeases = new BudgetLeases({ database: deps.database, instanceId, clock: deps.clock, idleReturnMs, renewEveryMs: Math.max(1, Math.floor(leaseTtlMs / 5)) });
  const timers = startTimers(deps, budgets, budgetLeases, store.kind === "postgres" ? store.rateLeases : null, leaseTtlMs);
  const clock = deps.clock ?? (() => new Date());
  const context: AdmitContext = { database: deps.database, logger: deps.logger, budgets, budgetLeases, clock };

  const admit = async (principal: Principal, plan: RoutePlan, requestId: string): Promise<AdmissionTicket> => {
    const limited = principal.requestsPerMinute !== null || principal.tokensPerMinute !== null;
    const budgeted = principal.budgetLimitUsd !== null && principal.budgetPeriod !== null;
    if (!limited && !budgeted) return UNLIMITED_TICKET;
    return store.kind === "postgres"
      ? admitOnPostgres(context, store.settlements, store.rateLeases, principal, plan, requestId)
      : admitWithRedis(context, store.rateLimits, principal, plan, requestId);
  };

  return {
    admit,
    budgets,
    flushLeases: () => timers.flush(false),
    close: async () => {
      timers.stop();
      await timers.flush(true).catch((error: unknown) => deps.logger.warn({ err: error }, "returning leases failed"));
      if (store.kind === "postgres") await store.settlements.flush().catch((error: unknown) => deps.logger.warn({ err: error }, "flushing settlements failed"));
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

type LimitStore =
  | { kind: "postgres"; settlements: SettlementBatch; rateLeases: RateLimitLeases }
  | { kind: "redis"; rateLimits: RateLimits };

interface AdmitContext {
  database: Database;
  logger: Logger;
  budgets: BudgetLedger;
  budgetLeases: BudgetLeases;
  clock: () => Date;
}

/** The lease flusher and the stale-reservation sweeper; flush() never overlaps itself. */
function startTimers(deps: AdmissionControlDeps, budgets: BudgetLedger, budgetLeases: BudgetLeases, rateLeases: RateLimitLeases | null, leaseTtlMs: number) {
  const staleMs = deps.staleReservationMs ?? 60 * 60_000;
  const sweep = () =>
    budgets
      .releaseStale(staleMs, leaseTtlMs)
      .then((released) => {
        if (released > 0) deps.logger.warn({ released }, "released budget reservations and leases left open by stopped requests or instances");
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "budget reservation sweep failed"));
  const sweepInterval = deps.sweepIntervalMs ?? 10_000;
  const sweeper = sweepInterval > 0 ? setInterval(() => void sweep(), sweepInterval) : null;
  sweeper?.unref();
  let running: Promise<void> | null = null;
  const flush = async (final: boolean): Promise<void> => {
    while (running) await running;
    running = Promise.all([budgetLeases.flush(final), rateLeases?.flush(final)]).then(() => undefined);
    try {
      await running;
    } finally {
      running = null;
    }
  };
  const flushInterval = deps.leaseFlushIntervalMs ?? 200;
  const flusher =
    flushInterval > 0
      ? setInterval(() => {
          if (!running) void flush(false).catch((error: unknown) => deps.logger.warn({ err: error }, "lease flush failed"));
        }, flushInterval)
      : null;
  flusher?.unref();
  return {
    flush,
    stop: () => {
      if (sweeper) clearInterval(sweeper);
      if (flusher) clearInterval(flusher);
    },
  };
}

/**
 * Leased parts first (local, a statement only to grow a lease), then ONE statement for the parts that
 * take the exact path (small limits or a nearly spent budget). A refusal undoes what was taken.
 */
async function admitOnPostgres(
  context: AdmitContext,
  settlements: SettlementBatch,
  rateLeases: RateLimitLeases,
  principal: Principal,
  plan: RoutePlan,
  requestId: string,
): Promise<AdmissionTicket> {
  const rpm = principal.requestsPerMinute;
  const tpm = principal.tokensPerMinute;
  const rpmLeased = rpm !== null && rpm >= RPM_LEASE_MIN;
  const tpmLeased = tpm !== null && tpm >= TPM_LEASE_MIN;
  let refund: (() => void) | null = null;
  let hold: LeaseHold | null = null;
  try {
    if (rpmLeased) refund = await rateLeases.takeRequest(principal.keyId, rpm);
    if (tpmLeased) await rateLeases.checkTokens(principal.keyId, tpm);
    const budgeted = principal.budgetLimitUsd !== null && principal.budgetPeriod !== null;
    const estimate = budgeted ? estimateReservation(plan) : null;
    if (estimate) hold = await context.budgetLeases.reserve({ keyId: principal.keyId, limitUsd: principal.budgetLimitUsd!, period: principal.budgetPeriod!, amountUsd: estimate.amountUsd });
    const exactBudget = estimate !== null && hold === null ? estimate : null;
    const countRequest = rpm !== null && !rpmLeased;
    const readTokens = tpm !== null && !tpmLeased;
    let reservationId: string | null = null;
    if (countRequest || readTokens || exactBudget) {
      const result = await runAdmissionStatement(context.database, {
        keyId: principal.keyId,
        requestId,
        countRequest,
        readTokens,
        budget: exactBudget ? { limitUsd: principal.budgetLimitUsd!, period: principal.budgetPeriod!, amountUsd: exactBudget.amountUsd } : null,
        now: context.clock(),
      });
      const refusal = refusalOf(principal, result, exactBudget);
      if (refusal) {
        await undoAdmission(context.database, context.budgets, principal, result).catch(() => undefined);
        throw refusal;
      }
      reservationId = result.reservationId;
    }
    return leasedTicket({ settlements, rateLeases, principal, hold, reservationId, exactTokens: readTokens, leasedTokens: tpmLeased, logger: context.logger });
  } catch (error) {
    refund?.();
    hold?.release();
    throw error;
  }
}

/** REDIS_URL: rate limits through rate-limiter-flexible (exact, per request); budgets leased as on Postgres. */
async function admitWithRedis(context: AdmitContext, rateLimits: RateLimits, principal: Principal, plan: RoutePlan, requestId: string): Promise<AdmissionTicket> {
  const limited = principal.requestsPerMinute !== null || principal.tokensPerMinute !== null;
  const budgeted = principal.budgetLimitUsd !== null && principal.budgetPeriod !== null;
  const [passResult, budgetResult] = await Promise.allSettled([
    limited ? rateLimits.admit(principal) : Promise.resolve(null),
    budgeted ? reserveBudget(context, principal, plan, requestId) : Promise.resolve(null),
  ]);
  if (passResult.status === "rejected" || budgetResult.status === "rejected") {
    if (passResult.status === "fulfilled") await passResult.value?.refund().catch(() => undefined);
    if (budgetResult.status === "fulfilled" && budgetResult.value) {
      const budget = budgetResult.value;
      if ("release" in budget) budget.release();
      else await context.budgets.settle(budget.id, ZERO_USD).catch(() => undefined);
    }
    throw passResult.status === "rejected" ? passResult.reason : (budgetResult as PromiseRejectedResult).reason;
  }
  return ticket(context.budgets, passResult.value, budgetResult.value, context.logger);
}

/** The refusal the one-statement admission implies (RPM first, then TPM, then budget), or null. */
function refusalOf(principal: Principal, result: AdmissionStatementResult, estimate: ReturnType<typeof estimateReservation> | null): AppError | null {
  const now = Date.now();
  const rpm = principal.requestsPerMinute;
  if (rpm !== null && result.requestsInWindow !== null && result.requestsInWindow > rpm) {
    return limited("requests per minute", rpm, (result.requestsWindowEndsAt?.getTime() ?? now + 60_000) - now);
  }
  const tpm = principal.tokensPerMinute;
  if (tpm !== null && result.tokensInWindow !== null && result.tokensInWindow >= tpm) {
    return limited("tokens per minute", tpm, (result.tokensWindowEndsAt?.getTime() ?? now + 60_000) - now);
  }
  if (estimate && result.reservationId === null) return budgetExceeded(principal, estimate);
  return null;
}

/** A refused request gives back what the statement took: the RPM count (unless RPM refused it) and the reservation. */
async function undoAdmission(database: Database, budgets: BudgetLedger, principal: Principal, result: AdmissionStatementResult): Promise<void> {
  const rpmRefused = principal.requestsPerMinute !== null && result.requestsInWindow !== null && result.requestsInWindow > principal.requestsPerMinute;
  const work: Promise<unknown>[] = [];
  if (result.requestsInWindow !== null && !rpmRefused) {
    work.push(database.db.execute(sql`update rate_limits set points = greatest(points - 1, 0) where key = ${rpmKey(principal.keyId)}`));
  }
  if (result.reservationId) work.push(budgets.settle(result.reservationId, ZERO_USD));
  await Promise.all(work);
}

interface LeasedTicketInput {
  settlements: SettlementBatch;
  rateLeases: RateLimitLeases;
  principal: Principal;
  hold: LeaseHold | null;
  reservationId: string | null;
  /** TPM on the exact path: tokens charged through the settlement batch. */
  exactTokens: boolean;
  /** TPM leased: tokens charged locally. */
  leasedTokens: boolean;
  logger: Logger;
}

/** Leased parts settle locally (no I/O); exact parts go through the group-committed settlement batch. */
function leasedTicket(input: LeasedTicketInput): AdmissionTicket {
  const { settlements, rateLeases, principal, hold, reservationId, logger } = input;
  return {
    settle: async (outcome: RouteOutcome) => {
      const usage = outcome.usage;
      const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
      // A failed or aborted request costs what the upstream reported (or nothing) — no more.
      const actualUsd = outcome.cost?.totalUsd ?? ZERO_USD;
      hold?.settle(actualUsd);
      if (input.leasedTokens) rateLeases.chargeTokens(principal.keyId, tokens);
      if (reservationId === null && !input.exactTokens) return;
      try {
        await settlements.settle({ reservationId, actualUsd, tokens: input.exactTokens ? { keyId: principal.keyId, count: tokens } : null });
      } catch (error) {
        logger.error({ err: error }, "admission settlement failed");
      }
    },
  };
}

function budgetExceeded(principal: Principal, estimate: ReturnType<typeof estimateReservation>): AppError {
  return new AppError(
    "BUDGET_EXCEEDED",
    `Budget exceeded: this request may cost up to $${Number(estimate.amountUsd).toFixed(6)} (${estimate.promptTokens} prompt + ${estimate.maxOutputTokens} output tokens), more than what remains of the key's ${principal.budgetPeriod} budget of $${principal.budgetLimitUsd}. Lower maxTokens or raise the budget.`,
    { details: { reservationUsd: Number(estimate.amountUsd), limitUsd: Number(principal.budgetLimitUsd), period: principal.budgetPeriod } },
  );
}

/** A lease hold when the key's budget is large, else an exact reservation (throws BUDGET_EXCEEDED). */
async function reserveBudget(context: AdmitContext, principal: Principal, plan: RoutePlan, requestId: string): Promise<BudgetReservation | LeaseHold> {
  const estimate = estimateReservation(plan);
  const input = { keyId: principal.keyId, limitUsd: principal.budgetLimitUsd!, period: principal.budgetPeriod!, amountUsd: estimate.amountUsd };
  const hold = await context.budgetLeases.reserve(input);
  if (hold) return hold;
  const reservation = await context.budgets.reserve({ ...input, requestId });
  if (!reservation) throw budgetExceeded(principal, estimate);
  return reservation;
}

function ticket(budgets: BudgetLedger, pass: RateLimitPass | null, budget: BudgetReservation | LeaseHold | null, logger: Logger): AdmissionTicket {
  return {
    settle: async (outcome: RouteOutcome) => {
      const usage = outcome.usage;
      const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
      // A failed or aborted request costs what the upstream reported (or what was estimated) — no more.
      const actual = outcome.cost?.totalUsd ?? ZERO_USD;
      const work: Promise<void>[] = [];
      if (pass) work.push(pass.chargeTokens(tokens));
      if (budget && "settle" in budget) budget.settle(actual);
      else if (budget) work.push(budgets.settle(budget.id, actual));
      const results = await Promise.allSettled(work);
      for (const result of results) {
        if (result.status === "rejected") logger.error({ err: result.reason }, "admission settlement failed");
      }
    },
  };
}
