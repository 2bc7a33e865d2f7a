import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { RATE_LIMIT_WINDOW_SECONDS } from "../rate-limits/rate-limits.js";
import { tpmKey } from "./admission-statement.js";

export interface Settlement {
  /** The budget reservation to settle, or null. */
  reservationId: string | null;
  /** Actual cost, decimal USD string. */
  actualUsd: string;
  /** Charge these tokens to the key's TPM window (null: the key has no TPM limit). */
  tokens: { keyId: string; count: number } | null;
}

interface Queued {
  settlement: Settlement;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Group-commits settlements: requests that end while the previous batch is being written are settled by
 * the same statement (budget reservations → spent, TPM windows charged), so settling costs one round trip
 * and one commit per batch instead of two per request. `settle()` resolves when its batch is durable.
 * A delayed settlement only keeps money reserved a few ms longer — never lets a key overspend.
 */
export class SettlementBatch {
  private queue: Queued[] = [];
  private scheduled: NodeJS.Immediate | null = null;
  private inFlight: Promise<void> | null = null;
  private readonly maxBatch: number;
  private readonly clock: () => Date;

  constructor(private readonly database: Database, options: { maxBatch?: number; clock?: () => Date } = {}) {
    this.maxBatch = options.maxBatch ?? 1000;
    this.clock = options.clock ?? (() => new Date());
  }

  settle(settlement: Settlement): Promise<void> {
    if (settlement.reservationId === null && (settlement.tokens === null || settlement.tokens.count <= 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ settlement, resolve, reject });
      this.schedule();
    });
  }

  /** Writes everything queued (shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight || this.queue.length > 0) {
      if (this.inFlight) await this.inFlight.catch(() => undefined);
      else await this.writeNext().catch(() => undefined);
    }
  }

  /**
   * Group commit: at most one statement in flight. Settlements arriving meanwhile wait for it and go
   * together in the next one, so the batch grows with the load and a lone request waits one tick only.
   */
  private schedule(): void {
    if (this.inFlight || this.scheduled) return;
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      void this.writeNext().catch(() => undefined);
    });
  }

  private writeNext(): Promise<void> {
    const batch = this.queue.splice(0, this.maxBatch);
    if (batch.length === 0) return Promise.resolve();
    const written = this.database.db.execute(settlementStatement(batch.map((item) => item.settlement), this.clock())).then(
      () => {
        for (const item of batch) item.resolve();
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
        throw error;
      },
    );
    this.inFlight = written.finally(() => {
      this.inFlight = null;
      if (this.queue.length > 0) this.schedule();
    });
    return this.inFlight;
  }
}

/** One statement for a batch: reservations settled and summed per budget period, token windows charged per key. */
export function settlementStatement(settlements: readonly Settlement[], now: Date): SQL {
  const reservations = settlements.filter((item) => item.reservationId !== null).map((item) => ({ id: item.reservationId, actual: item.actualUsd }));
  const tokens = new Map<string, number>();
  for (const item of settlements) {
    if (item.tokens && item.tokens.count > 0) tokens.set(item.tokens.keyId, (tokens.get(item.tokens.keyId) ?? 0) + Math.ceil(item.tokens.count));
  }
  const parts: SQL[] = [];
  if (reservations.length > 0) {
    parts.push(sql`input as (
        select * from jsonb_to_recordset(${JSON.stringify(reservations)}::jsonb) as x(id uuid, actual numeric)
      ), settled as (
        update budget_reservations r set settled_at = now(), actual_usd = input.actual
        from input where r.id = input.id and r.settled_at is null
        returning r.api_key_id, r.period_start, r.amount_usd, input.actual
      ), totals as (
        select api_key_id, period_start, sum(amount_usd) as reserved, sum(actual) as spent from settled group by 1, 2
      ), budgets as (
        update budget_periods p
        set reserved_usd = greatest(p.reserved_usd - totals.reserved, 0), spent_usd = p.spent_usd + totals.spent
        from totals where p.api_key_id = totals.api_key_id and p.period_start = totals.period_start
        returning 1
      )`);
  }
  if (tokens.size > 0) {
    const rows = JSON.stringify([...tokens].map(([keyId, points]) => ({ key: tpmKey(keyId), points })));
    // One upsert per distinct key (ON CONFLICT cannot touch a row twice in one statement).
    parts.push(sql`charged as (${windowUpsertFrom(sql`(select key, points from jsonb_to_recordset(${rows}::jsonb) as t(key text, points bigint)) k`, now)} returning 1)`);
  }
  const counts = sql`select ${reservations.length > 0 ? sql`(select count(*) from budgets)` : sql`0`} as budgets, ${tokens.size > 0 ? sql`(select count(*) from charged)` : sql`0`} as windows`;
  return sql`with ${sql.join(parts, sql`, `)} ${counts}`;
}

function windowUpsertFrom(source: SQL, now: Date): SQL {
  const nowParam = now.toISOString();
  const expire = new Date(now.getTime() + RATE_LIMIT_WINDOW_SECONDS * 1000).toISOString();
  return sql`insert into rate_limits as r (key, points, expire) select k.key, k.points, ${expire}::timestamptz from ${source}
    on conflict (key) do update set
      points = case when r.expire <= ${nowParam}::timestamptz then excluded.points else r.points + excluded.points end,
      expire = case when r.expire <= ${nowParam}::timestamptz then excluded.expire else r.expire end`;
}
