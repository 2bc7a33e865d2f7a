import { sql } from "drizzle-orm";
import { executeRows, type Database } from "../../db/client.js";
import { RATE_LIMIT_WINDOW_SECONDS, limited } from "./rate-limits.js";

/** Below this many requests per minute, every request is counted in the shared window (exact). */
export const RPM_LEASE_MIN = 200;
/** Below this many tokens per minute, the window is read and charged per request (as exact as post-hoc charging gets). */
export const TPM_LEASE_MIN = 10_000;

const WINDOW_MS = RATE_LIMIT_WINDOW_SECONDS * 1000;

/** The window keys (`sy:rpm:<key id>`, `sy:tpm:<key id>`), the same in the table and in Redis. */
export const rpmKey = (keyId: string): string => `sy:rpm:${keyId}`;
export const tpmKey = (keyId: string): string => `sy:tpm:${keyId}`;

interface RequestLease {
  /** End of the window the lease belongs to (ms); 0 = none. */
  expire: number;
  leased: number;
  used: number;
  lastActivity: number;
  queue: Promise<unknown>;
}

interface TokenWindow {
  /** Tokens the shared window held at the last sync, and when that window ends (ms; 0 = no window). */
  points: number;
  expire: number;
  /** Charged locally since the last sync. */
  unflushed: number;
  synced: boolean;
  lastActivity: number;
  queue: Promise<unknown>;
}

export interface RateLimitLeaseOptions {
  database: Database;
  clock?: () => Date;
  /** Unused leased requests are given back after this long without a request (default 1 s). */
  idleReturnMs?: number;
}

/**
 * Leased rate limits on the Postgres `rate_limits` windows. RPM: each instance takes a share of the
 * current fixed window's points in one statement (the share is counted in the shared row at once, so
 * the instances together never admit more than the limit) and admits locally; unused points go back
 * when the key goes idle, and a crashed instance's unused share lapses with its window (≤ 60 s).
 * TPM: tokens are charged locally at settlement and flushed with the window read, so admission
 * checks `window + local` with no I/O; other instances' charges arrive within one flush interval.
 */
export class RateLimitLeases {
  private readonly requests = new Map<string, RequestLease>();
  private readonly tokens = new Map<string, TokenWindow>();
  private readonly clock: () => Date;
  private readonly idleReturnMs: number;

  constructor(private readonly options: RateLimitLeaseOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.idleReturnMs = options.idleReturnMs ?? 1_000;
  }

  /** Counts one request against the key's RPM lease; returns its refund. Throws RATE_LIMITED. */
  async takeRequest(keyId: string, limit: number): Promise<() => void> {
    let lease = this.requests.get(keyId);
    if (!lease) {
      lease = { expire: 0, leased: 0, used: 0, lastActivity: 0, queue: Promise.resolve() };
      this.requests.set(keyId, lease);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = this.clock().getTime();
      lease.lastActivity = now;
      if (now >= lease.expire) {
        lease.leased = 0;
        lease.used = 0;
      }
      if (lease.used < lease.leased) {
        lease.used++;
        const expire = lease.expire;
        const owner = lease;
        return () => {
          if (owner.expire === expire && owner.used > 0) owner.used--;
        };
      }
      const retryAt = await this.exclusive(lease, () => (lease.used < lease.leased && now < lease.expire ? Promise.resolve(null) : this.growRequests(keyId, lease, limit)));
      if (retryAt !== null) throw limited("requests per minute", limit, retryAt - this.clock().getTime());
    }
    throw limited("requests per minute", limit, 1_000);
  }

  /** Throws RATE_LIMITED when the key's token window (shared + local) already holds the limit. */
  async checkTokens(keyId: string, limit: number): Promise<void> {
    let window = this.tokens.get(keyId);
    if (!window) {
      window = { points: 0, expire: 0, unflushed: 0, synced: false, lastActivity: 0, queue: Promise.resolve() };
      this.tokens.set(keyId, window);
    }
    window.lastActivity = this.clock().getTime();
    if (!window.synced) await this.exclusive(window, () => (window.synced ? Promise.resolve() : this.syncTokens(keyId, window)));
    const now = this.clock().getTime();
    const shared = now < window.expire ? window.points : 0;
    if (shared + window.unflushed >= limit) throw limited("tokens per minute", limit, (window.expire > now ? window.expire : now + WINDOW_MS) - now);
  }

  /** Charges a settled request's tokens locally (written by the next flush). */
  chargeTokens(keyId: string, count: number): void {
    if (count <= 0) return;
    let window = this.tokens.get(keyId);
    if (!window) {
      // The key went idle while this request ran (its window state was dropped): keep the charge.
      window = { points: 0, expire: 0, unflushed: 0, synced: false, lastActivity: this.clock().getTime(), queue: Promise.resolve() };
      this.tokens.set(keyId, window);
    }
    window.unflushed += Math.ceil(count);
  }

  /** Writes token charges and refreshes windows of active keys; gives back unused requests of idle keys. */
  async flush(final = false): Promise<void> {
    const now = this.clock().getTime();
    const work: Promise<unknown>[] = [];
    for (const [keyId, window] of this.tokens) {
      const idle = final || now - window.lastActivity >= this.idleReturnMs;
      if (idle && window.unflushed === 0) {
        this.tokens.delete(keyId);
        continue;
      }
      work.push(this.exclusive(window, () => this.syncTokens(keyId, window)).catch(() => undefined));
    }
    for (const [keyId, lease] of this.requests) {
      const idle = final || now - lease.lastActivity >= this.idleReturnMs;
      if (!idle) continue;
      if (now >= lease.expire || lease.used >= lease.leased) {
        this.requests.delete(keyId);
        continue;
      }
      work.push(this.exclusive(lease, () => this.returnRequests(keyId, lease)).catch(() => undefined));
    }
    await Promise.all(work);
  }

  /** Leases more of the window; returns null when granted, else when the window ends (Retry-After). */
  private async growRequests(keyId: string, lease: RequestLease, limit: number): Promise<number | null> {
    const now = this.clock();
    const nowParam = now.toISOString();
    const desired = Math.max(1, Math.floor(limit / 32));
    const key = rpmKey(keyId);
    const [row] = await executeRows(
      this.options.database.db,
      sql`with cur as (
            select points, expire from rate_limits where key = ${key}
          ), amt as (
            select case when (select expire from cur) is null or (select expire from cur) <= ${nowParam}::timestamptz then ${desired}::bigint
              else least(${desired}::bigint, greatest(1, (${limit}::bigint - (select points from cur)) / 4)) end as slice
          ), up as (
            insert into rate_limits as r (key, points, expire)
            select ${key}, amt.slice, ${new Date(now.getTime() + WINDOW_MS).toISOString()}::timestamptz from amt
            on conflict (key) do update set
              points = case when r.expire <= ${nowParam}::timestamptz then excluded.points else r.points + excluded.points end,
              expire = case when r.expire <= ${nowParam}::timestamptz then excluded.expire else r.expire end
            where r.expire <= ${nowParam}::timestamptz or r.points + excluded.points <= ${limit}::bigint
            returning r.expire
          )
          select (select slice from amt) as slice, (select expire from up) as expire, (select count(*) from up)::int as granted,
            (select expire from cur) as current_expire`,
    );
    if (Number(row?.granted ?? 0) === 0) return timeOf(row?.current_expire) ?? now.getTime() + WINDOW_MS;
    const expire = timeOf(row?.expire) ?? now.getTime() + WINDOW_MS;
    const slice = Number(row?.slice ?? 0);
    if (expire !== lease.expire) {
      lease.expire = expire;
      lease.leased = 0;
      lease.used = 0;
    }
    lease.leased += slice;
    return null;
  }

  private async returnRequests(keyId: string, lease: RequestLease): Promise<void> {
    const unused = lease.leased - lease.used;
    if (unused <= 0 || this.clock().getTime() >= lease.expire) return;
    lease.leased -= unused;
    const expire = new Date(lease.expire).toISOString();
    try {
      await this.options.database.db.execute(
        sql`update rate_limits set points = greatest(points - ${unused}::bigint, 0) where key = ${rpmKey(keyId)} and expire = ${expire}::timestamptz`,
      );
    } catch (error) {
      lease.leased += unused;
      throw error;
    }
  }

  private async syncTokens(keyId: string, window: TokenWindow): Promise<void> {
    const now = this.clock();
    const nowParam = now.toISOString();
    const charge = window.unflushed;
    window.unflushed = 0;
    const key = tpmKey(keyId);
    const expire = new Date(now.getTime() + WINDOW_MS).toISOString();
    try {
      const [row] = await executeRows(
        this.options.database.db,
        charge > 0
          ? sql`insert into rate_limits as r (key, points, expire) values (${key}, ${charge}::bigint, ${expire}::timestamptz)
                on conflict (key) do update set
                  points = case when r.expire <= ${nowParam}::timestamptz then excluded.points else r.points + excluded.points end,
                  expire = case when r.expire <= ${nowParam}::timestamptz then excluded.expire else r.expire end
                returning r.points, r.expire`
          : sql`select points, expire from rate_limits where key = ${key} and expire > ${nowParam}::timestamptz`,
      );
      window.points = Number(row?.points ?? 0);
      window.expire = timeOf(row?.expire) ?? 0;
      window.synced = true;
    } catch (error) {
      window.unflushed += charge;
      throw error;
    }
  }

  private exclusive<T>(state: { queue: Promise<unknown> }, work: () => Promise<T>): Promise<T> {
    const run = state.queue.then(work, work);
    state.queue = run.catch(() => undefined);
    return run;
  }
}

function timeOf(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const time = value instanceof Date ? value.getTime() : new Date(String(value)).getTime();
  return Number.isFinite(time) ? time : null;
}
