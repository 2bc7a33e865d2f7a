import { sql, type SQL } from "drizzle-orm";

/** Lease rows are budget_reservations rows whose request_id starts with this (then the instance id). */
export const LEASE_TAG_PREFIX = "lease:";

export interface LeaseGrowInput {
  keyId: string;
  periodStart: Date;
  limitUsd: string;
  /** The lease row to grow; null: create one. */
  leaseId: string | null;
  /** budget_reservations.request_id of a new lease row. */
  tag: string;
  /** The smallest slice worth leasing (the request's reservation × a few dozen). */
  minSliceUsd: string;
  /** The request's reservation: the slice must hold at least this. */
  reservationUsd: string;
  /** Lease nothing when less than this remains (the exact per-request path decides instead). */
  exactBelowUsd: string;
}

/**
 * Grows (or creates) an instance's lease on a key's budget period in ONE statement: the slice is a
 * fraction of what remains (least(remaining/8, greatest(minSlice, remaining/64))) and is added to
 * `reserved_usd` only when it still fits in limit − spent − reserved on the row's latest version
 * (the same conditional upsert as a per-request reservation), together with the lease row's amount.
 * Returns the lease id when granted, the slice and the remaining amount seen.
 */
export function leaseGrowStatement(input: LeaseGrowInput): SQL {
  const key = sql`${input.keyId}::uuid`;
  const start = sql`${input.periodStart.toISOString()}::timestamptz`;
  const limit = sql`${input.limitUsd}::numeric`;
  const alive = input.leaseId ? sql`and exists (select 1 from budget_reservations where id = ${input.leaseId}::uuid and settled_at is null)` : sql``;
  const lease = input.leaseId
    ? sql`update budget_reservations r set amount_usd = r.amount_usd + amt.slice, created_at = now() from amt
          where r.id = ${input.leaseId}::uuid and exists (select 1 from admitted) returning r.id`
    : sql`insert into budget_reservations (api_key_id, period_start, request_id, amount_usd)
          select ${key}, ${start}, ${input.tag}, amt.slice from amt where exists (select 1 from admitted) returning id`;
  return sql`with cur as (
        select spent_usd, reserved_usd from budget_periods where api_key_id = ${key} and period_start = ${start}
      ), amt as (
        select x.rem, x.spent, trunc(least(x.rem / 8, greatest(${input.minSliceUsd}::numeric, x.rem / 64)), 12) as slice
        from (select ${limit} - coalesce((select spent_usd + reserved_usd from cur), 0) as rem,
                     coalesce((select spent_usd from cur), 0) as spent) x
      ), admitted as (
        insert into budget_periods as p (api_key_id, period_start, spent_usd, reserved_usd)
        select ${key}, ${start}, 0, amt.slice from amt
        where amt.rem >= ${input.exactBelowUsd}::numeric and amt.slice >= ${input.reservationUsd}::numeric
          and amt.slice > 0 and amt.spent < ${limit} ${alive}
        on conflict (api_key_id, period_start) do update set reserved_usd = p.reserved_usd + excluded.reserved_usd
          where p.spent_usd + p.reserved_usd + excluded.reserved_usd <= ${limit} and p.spent_usd < ${limit}
        returning p.api_key_id
      ), lease as (${lease})
      select (select id from lease) as lease_id, (select slice from amt) as slice, (select rem from amt) as remaining`;
}

export interface LeaseFlushInput {
  keyId: string;
  periodStart: Date;
  leaseId: string | null;
  /** Spend settled locally since the last flush: moves into spent_usd. */
  spentUsd: string;
  /** Taken off the lease (and off reserved_usd): the settled spend plus the unused part returned. */
  releaseUsd: string;
  /** The whole lease is returned: the lease row is settled. */
  close: boolean;
}

/**
 * One statement per key and flush: the spend accumulated locally goes into `spent_usd`, and the lease
 * shrinks by `releaseUsd` (relative updates, so a concurrent grow of the same lease cannot be lost).
 * The lease row's `created_at` is its renewal time: the sweeper releases leases not renewed for the
 * lease TTL (their instance died). When the sweeper already released this lease (`alive` = 0),
 * `reserved_usd` is not reduced a second time; the spend is recorded either way.
 */
export function leaseFlushStatement(input: LeaseFlushInput): SQL {
  const close = sql.raw(input.close ? "true" : "false");
  const lease = input.leaseId
    ? sql`lease as (
        update budget_reservations set amount_usd = greatest(amount_usd - ${input.releaseUsd}::numeric, 0), created_at = now(),
          settled_at = case when ${close} then now() else null end, actual_usd = case when ${close} then 0 else null end
        where id = ${input.leaseId}::uuid and settled_at is null returning id
      ), `
    : sql``;
  const released = input.leaseId ? sql`case when exists (select 1 from lease) then ${input.releaseUsd}::numeric else 0 end` : sql`0`;
  return sql`with ${lease}period as (
        update budget_periods set spent_usd = spent_usd + ${input.spentUsd}::numeric,
          reserved_usd = greatest(reserved_usd - ${released}, 0)
        where api_key_id = ${input.keyId}::uuid and period_start = ${input.periodStart.toISOString()}::timestamptz
        returning spent_usd, reserved_usd
      )
      select ${input.leaseId ? sql`(select count(*) from lease)::int` : sql`0`} as alive,
        (select spent_usd from period) as spent, (select reserved_usd from period) as reserved`;
}
