import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { completionRequests, instances } from "../../db/schema/index.js";

export interface InstanceHeartbeatOptions {
  database: Database;
  instanceId: string;
  intervalMs?: number;
  /** An instance unseen for this long is dead; its RUNNING rows become INTERRUPTED (SPEC §8: 30 s). */
  staleAfterMs?: number;
  onError?: (error: unknown) => void;
  /**
   * The database is ours alone (embedded PGlite: one process per data dir), so every RUNNING row of
   * another instance id is from a process that died: interrupt them at start without waiting 30 s.
   */
  exclusive?: boolean;
}

/**
 * Each instance heartbeats in `instances`. On start and on every beat, RUNNING requests of
 * instances not seen for `staleAfterMs` (or of no known instance) are marked INTERRUPTED, so a
 * crashed process never leaves a request looking alive.
 */
export class InstanceHeartbeat {
  private timer: NodeJS.Timeout | null = null;
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;

  constructor(private readonly options: InstanceHeartbeatOptions) {
    this.intervalMs = options.intervalMs ?? 10_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
  }

  async start(): Promise<number> {
    await this.beat();
    const interrupted = await this.sweep(this.options.exclusive ? 0 : this.staleAfterMs);
    this.timer = setInterval(() => {
      void this.beat()
        .then(() => this.sweep())
        .catch((error: unknown) => this.options.onError?.(error));
    }, this.intervalMs);
    this.timer.unref();
    return interrupted;
  }

  async beat(): Promise<void> {
    const { db } = this.options.database;
    await db
      .insert(instances)
      .values({ id: this.options.instanceId })
      .onConflictDoUpdate({ target: instances.id, set: { lastSeenAt: sql`now()` } });
  }

  /** Marks RUNNING rows of dead instances INTERRUPTED; returns how many. */
  async sweep(staleAfterMs = this.staleAfterMs): Promise<number> {
    const { db } = this.options.database;
    const staleSeconds = staleAfterMs / 1000;
    const rows = await db
      .update(completionRequests)
      .set({ status: "INTERRUPTED", finishedAt: sql`now()`, errorCode: "INTERRUPTED", errorMessage: "the gateway instance serving this request stopped" })
      .where(
        and(
          eq(completionRequests.status, "RUNNING"),
          sql`${completionRequests.instanceId} <> ${this.options.instanceId}`,
          sql`not exists (select 1 from ${instances} i where i.id = ${completionRequests.instanceId} and i.last_seen_at > now() - make_interval(secs => ${staleSeconds}) and ${staleSeconds} > 0)`,
        ),
      )
      .returning({ id: completionRequests.id });
    await db.delete(instances).where(lt(instances.lastSeenAt, sql`now() - interval '1 day'`));
    return rows.length;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.options.database.db.delete(instances).where(eq(instances.id, this.options.instanceId)).catch(() => undefined);
  }
}
