import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { completionRequests, type NewCompletionRequestRow } from "../../db/schema/index.js";

export interface RequestLogOptions {
  database: Database;
  /** How long a started row may wait to be grouped with others before it is written. */
  flushDelayMs?: number;
  /** Rows per INSERT statement. */
  maxBatch?: number;
  onError?: (error: unknown, rows: number) => void;
}

type Row = NewCompletionRequestRow & { id: string };

interface Pending {
  row: Row;
  waiters: Array<() => void>;
}

/**
 * Group-commits completion-request rows off the request path. A row is queued when the request
 * starts (RUNNING) and queued again, complete, when it settles; each flush is one multi-row
 * upsert, so a short request that settles before the flush costs one row write in total.
 *
 * Trade-off (see README "Request log"): a RUNNING row reaches the database up to `flushDelayMs`
 * after the request starts, and a crash inside that window loses the RUNNING row of requests that
 * had not settled. Settled rows are awaited by callers that need read-your-writes (GraphQL), so
 * nothing a client was told about can be missing afterwards.
 */
export class RequestLog {
  private readonly database: Database;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;
  private readonly onError: (error: unknown, rows: number) => void;
  private pending = new Map<string, Pending>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;

  constructor(options: RequestLogOptions) {
    this.database = options.database;
    this.flushDelayMs = options.flushDelayMs ?? 5;
    this.maxBatch = options.maxBatch ?? 500;
    this.onError = options.onError ?? (() => {});
  }

  /** Queues the RUNNING row. */
  start(row: Row): void {
    this.enqueue(row);
  }

  /** Queues the settled row (the full row); resolves once it is durable. */
  settle(row: Row): Promise<void> {
    return new Promise<void>((resolve) => this.enqueue(row, resolve));
  }

  /** Writes everything queued so far. */
  async flush(): Promise<void> {
    while (this.pending.size > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.runFlush();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private enqueue(row: Row, waiter?: () => void): void {
    const existing = this.pending.get(row.id);
    if (existing) {
      existing.row = { ...existing.row, ...row };
      if (waiter) existing.waiters.push(waiter);
    } else {
      this.pending.set(row.id, { row, waiters: waiter ? [waiter] : [] });
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    if (this.closed) {
      void this.flush();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.runFlush();
    }, this.flushDelayMs);
    this.timer.unref?.();
  }

  private runFlush(): Promise<void> {
    if (this.flushing) return this.flushing;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.writeAll([...batch.values()]).finally(() => {
      this.flushing = null;
      if (this.pending.size > 0) this.schedule();
    });
    return this.flushing;
  }

  private async writeAll(items: Pending[]): Promise<void> {
    for (let start = 0; start < items.length; start += this.maxBatch) {
      const chunk = items.slice(start, start + this.maxBatch);
      try {
        await this.write(chunk.map((item) => item.row));
      } catch (error) {
        this.onError(error, chunk.length);
        // Keep the rows for the next flush unless newer versions were queued meanwhile.
        for (const item of chunk) {
          const newer = this.pending.get(item.row.id);
          if (newer) {
            newer.row = { ...item.row, ...newer.row };
            newer.waiters.push(...item.waiters);
          } else this.pending.set(item.row.id, item);
        }
        if (this.closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200).unref?.());
        continue;
      }
      for (const item of chunk) for (const waiter of item.waiters) waiter();
    }
  }

  private async write(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const excluded = (column: string) => sql.raw(`excluded."${column}"`);
    await this.database.db
      .insert(completionRequests)
      .values(rows)
      .onConflictDoUpdate({
        target: completionRequests.id,
        set: {
          servedModel: excluded("served_model"),
          providerId: excluded("provider_id"),
          status: excluded("status"),
          inputTokens: excluded("input_tokens"),
          outputTokens: excluded("output_tokens"),
          cachedInputTokens: excluded("cached_input_tokens"),
          cacheWriteInputTokens: excluded("cache_write_input_tokens"),
          reasoningTokens: excluded("reasoning_tokens"),
          usageSource: excluded("usage_source"),
          costUsd: excluded("cost_usd"),
          priceSource: excluded("price_source"),
          unpriced: excluded("unpriced"),
          finishReason: excluded("finish_reason"),
          errorCode: excluded("error_code"),
          errorMessage: excluded("error_message"),
          latencyMs: excluded("latency_ms"),
          timeToFirstTokenMs: excluded("time_to_first_token_ms"),
          decision: excluded("decision"),
          warnings: excluded("warnings"),
          finishedAt: excluded("finished_at"),
        },
      });
  }
}
