import { executeRows, type Database } from "../../db/client.js";
import type { BudgetPeriodValue } from "../../db/schema/index.js";
import { formatPicoUsd, parseUsd } from "../../core/pricing/index.js";
import { periodStart } from "./budget-period.js";
import { LEASE_TAG_PREFIX, leaseFlushStatement, leaseGrowStatement } from "./lease-statements.js";

export interface BudgetLeaseOptions {
  database: Database;
  /** Written into the lease rows (request_id `lease:<instanceId>`) so an operator can tell whose they are. */
  instanceId: string;
  clock?: () => Date;
  /** A lease unused for this long is returned so other instances can spend it (default 1 s). */
  idleReturnMs?: number;
  /** A held lease is renewed (its row's created_at) at least this often (default 3 s; the TTL must be several times this). */
  renewEveryMs?: number;
  /** Below this many reservations' worth of remaining budget, requests take the exact per-request path (default 16). */
  exactBelowReservations?: bigint;
  /** The smallest slice, in reservations (default 32). */
  minSliceReservations?: bigint;
}

/** A request admitted against a lease: settle it (or release it when the request is refused after all). */
export interface LeaseHold {
  settle(actualUsd: string): void;
  release(): void;
}

/** One instance's lease on one key's budget period. Amounts in pico-USD. */
interface Lease {
  keyId: string;
  periodStart: Date;
  leaseId: string | null;
  /** What the lease row holds in the database (part of reserved_usd): free + inUse + spent. */
  held: bigint;
  /** Not yet promised to a request. Negative when requests cost more than they reserved. */
  free: bigint;
  /** Reserved by requests still running. */
  inUse: bigint;
  /** Settled locally, not yet flushed. */
  spent: bigint;
  /** limit − spent − reserved as last seen in the database (null: unknown). */
  remaining: bigint | null;
  remainingAt: number;
  /** Last request on this key and period (any path): the entry is dropped after idling. */
  lastActivity: number;
  /** Last request admitted against the lease: the free part is returned after `idleReturnMs` without one. */
  lastLeaseUse: number;
  lastWrite: number;
  /** Grow and flush statements of one lease run one at a time. */
  queue: Promise<unknown>;
}

const REMAINING_FRESH_MS = 1_000;

/**
 * Leased budgets (SPEC §4 with local admission): each instance leases a slice of a key's remaining
 * budget from Postgres — the slice is added to `reserved_usd`, so the database never promises more
 * than limit − spent across all instances — and admits requests against its lease with no I/O. The
 * flusher moves locally settled spend into `spent_usd` and shrinks or returns the lease. When what
 * remains is small (fewer than `exactBelowReservations` reservations) `reserve()` returns null and the
 * caller takes the exact per-request statement, so a nearly spent budget is shared request by request.
 */
export class BudgetLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly clock: () => Date;
  private readonly idleReturnMs: number;
  private readonly renewEveryMs: number;
  private readonly exactBelow: bigint;
  private readonly minSlice: bigint;
  private readonly tag: string;

  constructor(private readonly options: BudgetLeaseOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.idleReturnMs = options.idleReturnMs ?? 1_000;
    this.renewEveryMs = options.renewEveryMs ?? 3_000;
    this.exactBelow = options.exactBelowReservations ?? 16n;
    this.minSlice = options.minSliceReservations ?? 32n;
    this.tag = `${LEASE_TAG_PREFIX}${options.instanceId}`;
  }

  /** Admits `amountUsd` against this instance's lease (growing it when needed); null = use the exact path. */
  async reserve(input: { keyId: string; limitUsd: string; period: BudgetPeriodValue; amountUsd: string }): Promise<LeaseHold | null> {
    const now = this.clock();
    const start = periodStart(input.period, now);
    // Keyed by the limit too: after an admin changes it, the old lease goes idle and is returned, and a new one is sized on the new limit.
    const id = `${input.keyId}|${start.getTime()}|${input.limitUsd}`;
    let lease = this.leases.get(id);
    if (!lease) {
      lease = { keyId: input.keyId, periodStart: start, leaseId: null, held: 0n, free: 0n, inUse: 0n, spent: 0n, remaining: null, remainingAt: 0, lastActivity: 0, lastLeaseUse: 0, lastWrite: 0, queue: Promise.resolve() };
      this.leases.set(id, lease);
    }
    lease.lastActivity = now.getTime();
    const amount = parseUsd(input.amountUsd);
    for (let attempt = 0; attempt < 3; attempt++) {
      const hold = this.take(lease, amount);
      if (hold) {
        lease.lastLeaseUse = lease.lastActivity;
        return hold;
      }
      if (this.tooSmall(lease, amount)) return null;
      const granted = await this.exclusive(lease, () => (lease.free >= amount && lease.held > 0n ? Promise.resolve(true) : this.grow(lease, input.limitUsd, amount)));
      if (!granted) return null;
    }
    return null;
  }

  /** Flushes what changed; returns idle leases. `final`: return every lease (shutdown). */
  async flush(final = false): Promise<void> {
    const now = this.clock().getTime();
    const work: Promise<unknown>[] = [];
    for (const [id, lease] of this.leases) {
      const idle = final || now - lease.lastLeaseUse >= this.idleReturnMs;
      if ((final || now - lease.lastActivity >= this.idleReturnMs) && lease.held === 0n && lease.spent === 0n && lease.inUse === 0n) {
        this.leases.delete(id);
        continue;
      }
      const due = lease.spent !== 0n || (idle && lease.free > 0n) || (lease.leaseId !== null && now - lease.lastWrite >= this.renewEveryMs);
      if (due) work.push(this.exclusive(lease, () => this.write(lease, final || idle)).catch(() => undefined));
    }
    await Promise.all(work);
  }

  /** Pico-USD held in leases by this instance (tests and diagnostics). */
  heldPico(keyId: string): bigint {
    let total = 0n;
    for (const lease of this.leases.values()) if (lease.keyId === keyId) total += lease.held;
    return total;
  }

  private take(lease: Lease, amount: bigint): LeaseHold | null {
    // A free request (unpriced model) still needs a live lease: it proves the budget was not spent out.
    if (lease.held <= 0n || lease.free < amount || (amount === 0n && lease.free <= 0n)) return null;
    lease.free -= amount;
    lease.inUse += amount;
    let open = true;
    return {
      settle: (actualUsd) => {
        if (!open) return;
        open = false;
        const actual = parseUsd(actualUsd);
        lease.inUse -= amount;
        lease.free += amount - actual;
        lease.spent += actual;
      },
      release: () => {
        if (!open) return;
        open = false;
        lease.inUse -= amount;
        lease.free += amount;
      },
    };
  }

  private tooSmall(lease: Lease, amount: bigint): boolean {
    const unit = amount > 0n ? amount : 1n;
    return lease.remaining !== null && this.clock().getTime() - lease.remainingAt < REMAINING_FRESH_MS && lease.remaining < unit * this.exactBelow;
  }

  private async grow(lease: Lease, limitUsd: string, amount: bigint): Promise<boolean> {
    if (this.tooSmall(lease, amount)) return false;
    const unit = amount > 0n ? amount : 1n;
    const [row] = await executeRows(
      this.options.database.db,
      leaseGrowStatement({
        keyId: lease.keyId,
        periodStart: lease.periodStart,
        limitUsd,
        leaseId: lease.leaseId,
        tag: this.tag,
        minSliceUsd: formatPicoUsd(unit * this.minSlice),
        reservationUsd: formatPicoUsd(amount),
        exactBelowUsd: formatPicoUsd(unit * this.exactBelow),
      }),
    );
    const now = this.clock().getTime();
    const remaining = row?.remaining === null || row?.remaining === undefined ? null : parseUsd(String(row.remaining));
    const slice = row?.slice === null || row?.slice === undefined ? 0n : parseUsd(String(row.slice));
    const granted = typeof row?.lease_id === "string";
    lease.remaining = remaining === null ? null : granted ? remaining - slice : remaining;
    lease.remainingAt = now;
    if (!granted) return false;
    if (lease.leaseId !== row!.lease_id) lease.lastWrite = now;
    lease.leaseId = row!.lease_id as string;
    lease.held += slice;
    lease.free += slice;
    return true;
  }

  /** Writes the spend and shrinks the lease to what running requests hold (plus the free part unless `returnFree`). */
  private async write(lease: Lease, returnFree: boolean): Promise<void> {
    const keepFree = returnFree || lease.free < 0n ? 0n : lease.free;
    const spent = lease.spent;
    const release = lease.leaseId ? lease.held - lease.inUse - keepFree : 0n;
    const close = lease.leaseId !== null && lease.inUse === 0n && keepFree === 0n;
    // Applied before the round trip so requests settling meanwhile keep the invariant held = free + inUse + spent.
    lease.spent -= spent;
    lease.held -= release;
    lease.free -= release - spent;
    const leaseId = lease.leaseId;
    if (close) lease.leaseId = null;
    try {
      const [row] = await executeRows(
        this.options.database.db,
        leaseFlushStatement({ keyId: lease.keyId, periodStart: lease.periodStart, leaseId, spentUsd: formatPicoUsd(spent), releaseUsd: formatPicoUsd(release), close }),
      );
      lease.lastWrite = this.clock().getTime();
      if (leaseId && Number(row?.alive ?? 0) === 0) this.lost(lease);
    } catch (error) {
      lease.spent += spent;
      lease.held += release;
      lease.free += release - spent;
      if (close) lease.leaseId = leaseId;
      throw error;
    }
  }

  /** The sweeper released this lease (the instance looked dead): what runs now is no longer backed by it. */
  private lost(lease: Lease): void {
    lease.leaseId = null;
    lease.held = 0n;
    lease.free = -lease.inUse - lease.spent;
  }

  private exclusive<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    const run = lease.queue.then(work, work);
    lease.queue = run.catch(() => undefined);
    return run;
  }
}
