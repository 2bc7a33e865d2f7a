import { sql } from "drizzle-orm";
import { Redis } from "ioredis";
import type { Logger } from "pino";
import { AppError } from "../../core/model/errors.js";
import type { RouteOutcome, RoutePlan } from "../../core/routing/router.types.js";
import type { Database } from "../../db/client.js";
import type { Principal } from "../auth/api-key.service.js";
import { UNLIMITED_TICKET, type AdmissionControl, type AdmissionTicket } from "../completion/admission.js";
import { RateLimits, limited, type RateLimitPass } from "../rate-limits/rate-limits.js";
import { rpmKey, runAdmissionStatement, type AdmissionStatementResult } from "./admission-statement.js";
import { BudgetLedger, type BudgetReservation } from "./budget-ledger.js";
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
  /** How often the sweeper runs (default 5 min; 0 = never). */
  sweepIntervalMs?: number;
}

/** The gateway's admission control plus what the admin API and shutdown need of it. */
export interface GatewayAdmission extends AdmissionControl {
  budgets: BudgetLedger;
  rateLimits: RateLimits;
  close(): Promise<void>;
}

const ZERO_USD = "0";

/**
 * Budgets + rate limits as one AdmissionControl (pass it to createGateway({ admission })).
 * A key with neither budget nor limits is admitted without any I/O. Otherwise the RPM/TPM check and
 * the budget reservation run concurrently (one round trip each); if either refuses, the other is
 * undone, and the request is refused before any upstream call and before any row.
 */
export function createAdmissionControl(deps: AdmissionControlDeps): GatewayAdmission {
  const budgets = new BudgetLedger({ database: deps.database, clock: deps.clock });
  const redis = deps.redisUrl ? new Redis(deps.redisUrl, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false }) : null;
  redis?.on("error", (error) => deps.logger.warn({ err: error }, "redis (rate limits) error"));
  const rateLimits = new RateLimits(redis ? { kind: "redis", redis } : { kind: "postgres", database: deps.database });
  const staleMs = deps.staleReservationMs ?? 60 * 60_000;
  const sweep = () =>
    budgets
      .releaseStale(staleMs)
      .then((released) => {
        if (released > 0) deps.logger.warn({ released }, "released budget reservations left open by stopped requests");
      })
      .catch((error: unknown) => deps.logger.warn({ err: error }, "budget reservation sweep failed"));
  const interval = deps.sweepIntervalMs ?? 5 * 60_000;
  const timer = interval > 0 ? setInterval(() => void sweep(), interval) : null;
  timer?.unref();

  // Postgres store: one statement to admit, group-committed settlements. Redis keeps rate-limiter-flexible.
  const settlements = redis ? null : new SettlementBatch(deps.database, { clock: deps.clock });
  const clock = deps.clock ?? (() => new Date());

  const admitInOneStatement = async (principal: Principal, plan: RoutePlan, requestId: string): Promise<AdmissionTicket> => {
    const budgeted = principal.budgetLimitUsd !== null && principal.budgetPeriod !== null;
    const estimate = budgeted ? estimateReservation(plan) : null;
    const result = await runAdmissionStatement(deps.database, {
      keyId: principal.keyId,
      requestId,
      countRequest: principal.requestsPerMinute !== null,
      readTokens: principal.tokensPerMinute !== null,
      budget: estimate ? { limitUsd: principal.budgetLimitUsd!, period: principal.budgetPeriod!, amountUsd: estimate.amountUsd } : null,
      now: clock(),
    });
    const refusal = refusalOf(principal, result, estimate);
    if (refusal) {
      await undoAdmission(deps.database, budgets, principal, result).catch(() => undefined);
      throw refusal;
    }
    return batchedTicket(settlements!, principal, result.reservationId, deps.logger);
  };

  const admit = async (principal: Principal, plan: RoutePlan, requestId: string): Promise<AdmissionTicket> => {
    if (settlements) {
      const limitedOrBudgeted = principal.requestsPerMinute !== null || principal.tokensPerMinute !== null || (principal.budgetLimitUsd !== null && principal.budgetPeriod !== null);
      return limitedOrBudgeted ? admitInOneStatement(principal, plan, requestId) : UNLIMITED_TICKET;
    }
    const limited = principal.requestsPerMinute !== null || principal.tokensPerMinute !== null;
    const budgeted = principal.budgetLimitUsd !== null && principal.budgetPeriod !== null;
    if (!limited && !budgeted) return UNLIMITED_TICKET;
    const [passResult, reservationResult] = await Promise.allSettled([
      limited ? rateLimits.admit(principal) : Promise.resolve(null),
      budgeted ? reserve(budgets, principal, plan, requestId) : Promise.resolve(null),
    ]);
    if (passResult.status === "rejected" || reservationResult.status === "rejected") {
      if (passResult.status === "fulfilled") await passResult.value?.refund().catch(() => undefined);
      if (reservationResult.status === "fulfilled" && reservationResult.value) {
        await budgets.settle(reservationResult.value.id, ZERO_USD).catch(() => undefined);
      }
      throw passResult.status === "rejected" ? passResult.reason : (reservationResult as PromiseRejectedResult).reason;
    }
    return ticket(budgets, passResult.value, reservationResult.value, deps.logger);
  };

  return {
    admit,
    budgets,
    rateLimits,
    close: async () => {
      if (timer) clearInterval(timer);
      await settlements?.flush().catch((error: unknown) => deps.logger.warn({ err: error }, "flushing settlements failed"));
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
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

function batchedTicket(settlements: SettlementBatch, principal: Principal, reservationId: string | null, logger: Logger): AdmissionTicket {
  const chargesTokens = principal.tokensPerMinute !== null;
  return {
    settle: async (outcome: RouteOutcome) => {
      const usage = outcome.usage;
      const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
      try {
        await settlements.settle({
          reservationId,
          actualUsd: outcome.cost?.totalUsd ?? ZERO_USD,
          tokens: chargesTokens ? { keyId: principal.keyId, count: tokens } : null,
        });
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

async function reserve(budgets: BudgetLedger, principal: Principal, plan: RoutePlan, requestId: string): Promise<BudgetReservation> {
  const estimate = estimateReservation(plan);
  const reservation = await budgets.reserve({
    keyId: principal.keyId,
    limitUsd: principal.budgetLimitUsd!,
    period: principal.budgetPeriod!,
    amountUsd: estimate.amountUsd,
    requestId,
  });
  if (!reservation) throw budgetExceeded(principal, estimate);
  return reservation;
}

function ticket(budgets: BudgetLedger, pass: RateLimitPass | null, reservation: BudgetReservation | null, logger: Logger): AdmissionTicket {
  return {
    settle: async (outcome: RouteOutcome) => {
      const usage = outcome.usage;
      const tokens = usage ? usage.inputTokens + usage.outputTokens : 0;
      // A failed or aborted request costs what the upstream reported (or what was estimated) — no more.
      const actual = outcome.cost?.totalUsd ?? ZERO_USD;
      const work: Promise<void>[] = [];
      if (pass) work.push(pass.chargeTokens(tokens));
      if (reservation) work.push(budgets.settle(reservation.id, actual));
      const results = await Promise.allSettled(work);
      for (const result of results) {
        if (result.status === "rejected") logger.error({ err: result.reason }, "admission settlement failed");
      }
    },
  };
}
