import { sql, type SQL } from "drizzle-orm";
import { executeRows, type Database } from "../../db/client.js";
import type { BudgetPeriodValue } from "../../db/schema/index.js";
import { RATE_LIMIT_WINDOW_SECONDS } from "../rate-limits/rate-limits.js";
import { rpmKey, tpmKey } from "../rate-limits/rate-limit-leases.js";
import { periodStart } from "./budget-period.js";

export { rpmKey, tpmKey };

export interface AdmissionStatementInput {
  keyId: string;
  requestId: string;
  /** Count one request in the RPM window. */
  countRequest: boolean;
  /** Read the TPM window. */
  readTokens: boolean;
  budget: { limitUsd: string; period: BudgetPeriodValue; amountUsd: string } | null;
  now: Date;
}

export interface AdmissionStatementResult {
  /** Requests in the RPM window after this one (null when not counted). */
  requestsInWindow: number | null;
  requestsWindowEndsAt: Date | null;
  /** Tokens already charged in the TPM window (0 when none; null when not read). */
  tokensInWindow: number | null;
  tokensWindowEndsAt: Date | null;
  /** The budget reservation, null when none was asked for or when it did not fit. */
  reservationId: string | null;
}

/** Upsert of a fixed window: starts a new one when the stored window has expired (rate-limiter-flexible's rule). */
export function windowUpsert(key: SQL, points: SQL, now: Date): SQL {
  const nowParam = now.toISOString();
  const expire = new Date(now.getTime() + RATE_LIMIT_WINDOW_SECONDS * 1000).toISOString();
  return sql`insert into rate_limits as r (key, points, expire) select ${key}, ${points}, ${expire}::timestamptz
    on conflict (key) do update set
      points = case when r.expire <= ${nowParam}::timestamptz then excluded.points else r.points + excluded.points end,
      expire = case when r.expire <= ${nowParam}::timestamptz then excluded.expire else r.expire end`;
}

/**
 * Rate-limit count, token-window read and budget reservation in ONE statement (data-modifying CTEs),
 * so an admitted request costs one round trip and one commit. The caller decides on the result and
 * undoes the parts that succeeded when another part refused (rare path).
 */
export async function runAdmissionStatement(database: Database, input: AdmissionStatementInput): Promise<AdmissionStatementResult> {
  const nowParam = input.now.toISOString();
  const parts: SQL[] = [];
  if (input.countRequest) parts.push(sql`rpm as (${windowUpsert(sql`${rpmKey(input.keyId)}`, sql`1::bigint`, input.now)} returning r.points, r.expire)`);
  if (input.budget) {
    const { limitUsd, amountUsd } = input.budget;
    const start = periodStart(input.budget.period, input.now).toISOString();
    parts.push(sql`admitted as (
        insert into budget_periods as p (api_key_id, period_start, spent_usd, reserved_usd)
        select ${input.keyId}::uuid, ${start}::timestamptz, 0, ${amountUsd}::numeric
        where ${amountUsd}::numeric <= ${limitUsd}::numeric and 0 < ${limitUsd}::numeric
        on conflict (api_key_id, period_start) do update
          set reserved_usd = p.reserved_usd + excluded.reserved_usd
          where p.spent_usd + p.reserved_usd + excluded.reserved_usd <= ${limitUsd}::numeric
            and p.spent_usd < ${limitUsd}::numeric
        returning p.api_key_id, p.period_start
      ), reservation as (
        insert into budget_reservations (api_key_id, period_start, request_id, amount_usd)
        select api_key_id, period_start, ${input.requestId}, ${amountUsd}::numeric from admitted
        returning id
      )`);
  }
  const tokens = input.readTokens
    ? sql`(select points from rate_limits where key = ${tpmKey(input.keyId)} and (expire > ${nowParam}::timestamptz or expire is null))`
    : sql`null`;
  const tokensEnd = input.readTokens
    ? sql`(select expire from rate_limits where key = ${tpmKey(input.keyId)} and (expire > ${nowParam}::timestamptz or expire is null))`
    : sql`null`;
  const select = sql`select
      ${input.countRequest ? sql`(select points from rpm)` : sql`null`} as rpm_points,
      ${input.countRequest ? sql`(select expire from rpm)` : sql`null`} as rpm_expire,
      ${tokens} as tpm_points, ${tokensEnd} as tpm_expire,
      ${input.budget ? sql`(select id from reservation)` : sql`null`} as reservation_id`;
  const statement = parts.length > 0 ? sql`with ${sql.join(parts, sql`, `)} ${select}` : select;
  const row = (await executeRows(database.db, statement))[0] ?? {};
  const date = (value: unknown) => (value === null || value === undefined ? null : value instanceof Date ? value : new Date(String(value)));
  return {
    requestsInWindow: input.countRequest ? Number(row.rpm_points ?? 0) : null,
    requestsWindowEndsAt: date(row.rpm_expire),
    tokensInWindow: input.readTokens ? Number(row.tpm_points ?? 0) : null,
    tokensWindowEndsAt: date(row.tpm_expire),
    reservationId: typeof row.reservation_id === "string" ? row.reservation_id : null,
  };
}
