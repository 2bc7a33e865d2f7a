import { sql } from "drizzle-orm";
import { executeRows, type Database } from "../../db/client.js";
import type { BudgetPeriodValue } from "../../db/schema/index.js";
import { periodResetsAt, periodStart } from "./budget-period.js";
import { LEASE_TAG_PREFIX } from "./lease-statements.js";

export interface BudgetReservation {
  id: string;
  amountUsd: string;
}

/** A key's budget as the API shows it. Amounts are decimal USD strings (numeric in Postgres). */
export interface BudgetState {
  limitUsd: string;
  period: BudgetPeriodValue;
  spentUsd: string;
  reservedUsd: string;
  periodStart: Date;
  resetsAt: Date | null;
}

export interface BudgetLedgerDeps {
  database: Database;
  clock?: () => Date;
}

const ZERO = "0";

function decimal(value: unknown): string {
  if (value === null || value === undefined) return ZERO;
  return String(value);
}

/**
 * The budget ledger on `budget_periods` / `budget_reservations`. Every operation is one SQL
 * statement (data-modifying CTEs), so admission is one round trip and correct across instances:
 * the conditional upsert locks the period row, and Postgres re-checks the WHERE against the row's
 * latest version. All arithmetic is `numeric` in SQL; amounts never pass through a float.
 */
export class BudgetLedger {
  private readonly database: Database;
  private readonly clock: () => Date;

  constructor(deps: BudgetLedgerDeps) {
    this.database = deps.database;
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * Reserves `amountUsd` when it fits in limit − spent − reserved (and the period is not already
   * spent out); returns null otherwise. Records the reservation for settlement in the same statement.
   */
  async reserve(input: {
    keyId: string;
    limitUsd: string;
    period: BudgetPeriodValue;
    amountUsd: string;
    requestId: string;
  }): Promise<BudgetReservation | null> {
    const start = periodStart(input.period, this.clock()).toISOString();
    const rows = await executeRows(
      this.database.db,
      sql`with admitted as (
            insert into budget_periods as p (api_key_id, period_start, spent_usd, reserved_usd)
            select ${input.keyId}::uuid, ${start}::timestamptz, 0, ${input.amountUsd}::numeric
            where ${input.amountUsd}::numeric <= ${input.limitUsd}::numeric and 0 < ${input.limitUsd}::numeric
            on conflict (api_key_id, period_start) do update
              set reserved_usd = p.reserved_usd + excluded.reserved_usd
              where p.spent_usd + p.reserved_usd + excluded.reserved_usd <= ${input.limitUsd}::numeric
                and p.spent_usd < ${input.limitUsd}::numeric
            returning p.api_key_id, p.period_start
          )
          insert into budget_reservations (api_key_id, period_start, request_id, amount_usd)
          select api_key_id, period_start, ${input.requestId}, ${input.amountUsd}::numeric from admitted
          returning id`,
    );
    const id = rows[0]?.id;
    return typeof id === "string" ? { id, amountUsd: input.amountUsd } : null;
  }

  /**
   * Settles a reservation with the actual cost: releases what was reserved and adds what was spent
   * (which may exceed the reservation; the next admission then sees the overspend). Idempotent.
   */
  async settle(reservationId: string, actualUsd: string): Promise<void> {
    await this.database.db.execute(
      sql`with settled as (
            update budget_reservations set settled_at = now(), actual_usd = ${actualUsd}::numeric
            where id = ${reservationId}::uuid and settled_at is null
            returning api_key_id, period_start, amount_usd
          )
          update budget_periods p
          set reserved_usd = greatest(p.reserved_usd - settled.amount_usd, 0),
              spent_usd = p.spent_usd + ${actualUsd}::numeric
          from settled
          where p.api_key_id = settled.api_key_id and p.period_start = settled.period_start`,
    );
  }

  /**
   * Releases reservations left open longer than `olderThanMs` (their request died with its
   * instance), and budget leases not renewed for `leaseTtlMs` (a live instance renews its leases
   * every few seconds and returns idle ones, so such a lease belongs to a dead instance), so a crash
   * cannot lock a budget. The lease TTL is measured on the database clock (`created_at` is set by
   * now() at each renewal). Returns how many rows were released.
   */
  async releaseStale(olderThanMs: number, leaseTtlMs = 15_000): Promise<number> {
    const cutoff = new Date(this.clock().getTime() - olderThanMs).toISOString();
    const leaseSeconds = leaseTtlMs / 1000;
    const rows = await executeRows(
      this.database.db,
      sql`with released as (
            update budget_reservations set settled_at = now(), actual_usd = 0
            where settled_at is null and (created_at < ${cutoff}::timestamptz
              or (request_id like ${`${LEASE_TAG_PREFIX}%`} and created_at < now() - make_interval(secs => ${leaseSeconds}::double precision)))
            returning api_key_id, period_start, amount_usd
          ), totals as (
            select api_key_id, period_start, sum(amount_usd) as amount, count(*) as n from released group by 1, 2
          ), updated as (
            update budget_periods p set reserved_usd = greatest(p.reserved_usd - totals.amount, 0)
            from totals where p.api_key_id = totals.api_key_id and p.period_start = totals.period_start
            returning totals.n
          )
          select coalesce(sum(n), 0)::int as released from updated`,
    );
    return Number(rows[0]?.released ?? 0);
  }

  /** The current period's spend and open reservations of several keys (one query). */
  async states(keys: readonly { keyId: string; limitUsd: string; period: BudgetPeriodValue }[]): Promise<Map<string, BudgetState>> {
    const now = this.clock();
    const result = new Map<string, BudgetState>();
    if (keys.length === 0) return result;
    const pairs = keys.map((key) => sql`(${key.keyId}::uuid, ${periodStart(key.period, now).toISOString()}::timestamptz)`);
    const rows = await executeRows(
      this.database.db,
      sql`select api_key_id, spent_usd, reserved_usd from budget_periods
          where (api_key_id, period_start) in (${sql.join(pairs, sql`, `)})`,
    );
    const byKey = new Map(rows.map((row) => [String(row.api_key_id), row]));
    for (const key of keys) {
      const row = byKey.get(key.keyId);
      result.set(key.keyId, {
        limitUsd: key.limitUsd,
        period: key.period,
        spentUsd: decimal(row?.spent_usd),
        reservedUsd: decimal(row?.reserved_usd),
        periodStart: periodStart(key.period, now),
        resetsAt: periodResetsAt(key.period, now),
      });
    }
    return result;
  }
}
