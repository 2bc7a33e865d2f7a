import type { BudgetPeriodValue } from "../../db/schema/index.js";

/** TOTAL budgets live in one ledger row keyed by the epoch: they never reset. */
export const TOTAL_PERIOD_START = new Date(0);

/** The UTC start of the period containing `now` (SPEC §8: DAY and MONTH are UTC calendar periods). */
export function periodStart(period: BudgetPeriodValue, now: Date): Date {
  if (period === "DAY") return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  if (period === "MONTH") return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return TOTAL_PERIOD_START;
}

/** When the period containing `now` ends; null for TOTAL. */
export function periodResetsAt(period: BudgetPeriodValue, now: Date): Date | null {
  if (period === "DAY") return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
  if (period === "MONTH") return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return null;
}
