import { SQL, getTableColumns, is, sql } from "drizzle-orm";
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
  private soon: NodeJS.Immediate | null = null;
  /** Some pending row has a waiter. */
  private awaitedPending = false;
  private flushing: Promise<void> | null = null;
  /** The rows of the statement in flight, so a late `whenWritten` can wait for it. */
  private writing = new Map<string, Pending>();
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

  /**
   * Queues the settled row without waiting for it: it is written with the next batch (group commit
   * under load, the flush delay when idle). Call `whenWritten(id)` for read-your-writes; REST requests
   * never do, so they no longer force a statement per request.
   */
  settleLater(row: Row): void {
    this.enqueue(row);
  }

  /** Resolves once the rows queued so far under `id` are durable (at once when none is pending). */
  whenWritten(id: string): Promise<void> {
    const item = this.pending.get(id) ?? this.writing.get(id);
    if (!item) return Promise.resolve();
    return new Promise<void>((resolve) => {
      item.waiters.push(resolve);
      if (this.pending.get(id) === item) {
        this.awaitedPending = true;
        this.schedule(true);
      }
    });
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
    if (this.soon) clearImmediate(this.soon);
    this.soon = null;
    await this.flush();
  }

  private enqueue(row: Row, waiter?: () => void): void {
    const existing = this.pending.get(row.id);
    if (existing) {
      // The completion service settles on the same object it started with: nothing to merge then.
      if (existing.row !== row) existing.row = { ...existing.row, ...row };
      if (waiter) existing.waiters.push(waiter);
    } else {
      this.pending.set(row.id, { row, waiters: waiter ? [waiter] : [] });
    }
    if (waiter) this.awaitedPending = true;
    this.schedule(this.awaitedPending);
  }

  /**
   * Someone awaits a settled row (GraphQL read-your-writes): flush on the next turn of the event loop
   * instead of after the delay. Rows queued meanwhile, and while a flush is in flight, still share one
   * statement, so batching under load is unchanged.
   */
  private schedule(awaited = false): void {
    if (this.flushing) return;
    if (awaited && !this.closed && !this.soon) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.soon = setImmediate(() => {
        this.soon = null;
        void this.runFlush();
      });
      return;
    }
    if (this.timer || this.soon) return;
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
    this.awaitedPending = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.writeAll([...batch.values()]).finally(() => {
      this.flushing = null;
      if (this.pending.size > 0) this.schedule(this.awaitedPending);
    });
    return this.flushing;
  }

  private async writeAll(items: Pending[]): Promise<void> {
    this.writing = new Map();
    for (const item of items) this.writing.set(item.row.id, item);
    try {
      await this.writeChunks(items);
    } finally {
      this.writing = new Map();
    }
  }

  private async writeChunks(items: Pending[]): Promise<void> {
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
          if (item.waiters.length > 0) this.awaitedPending = true;
        }
        if (this.closed) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200).unref?.());
        continue;
      }
      for (const item of chunk) for (const waiter of item.waiters) waiter();
    }
  }

  /**
   * One upsert for the batch. The rows travel as ONE jsonb parameter expanded by
   * jsonb_populate_recordset: building it is a JSON.stringify, where Drizzle's insert builder mapped
   * every column of every row (the largest CPU cost of the request log in the bench profile).
   */
  private async write(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const payload = JSON.stringify(rows.map(toColumnRecord));
    const pool = this.database.driver === "pg" ? namedQueryClient(this.database.db) : null;
    if (pool) {
      // A named (prepared) statement: each pooled connection parses and plans it once, and there is
      // no SQL to render per batch. Counted like Drizzle's statements (the bench's SQL/request).
      this.database.queries.count++;
      await pool.query({ name: UPSERT_NAME, text: UPSERT_TEXT, values: [payload] });
      return;
    }
    await this.database.db.execute(sql`${sql.raw(UPSERT_PREFIX)}${payload}${sql.raw(UPSERT_SUFFIX)}`);
  }
}

/** node-postgres's pool behind Drizzle (`db.$client`), when it takes a named query config. */
interface NamedQueryClient {
  query(config: { name: string; text: string; values: unknown[] }): Promise<unknown>;
}

function namedQueryClient(db: unknown): NamedQueryClient | null {
  const client = (db as { $client?: unknown }).$client;
  return typeof client === "object" && client !== null && typeof (client as { query?: unknown }).query === "function"
    ? (client as NamedQueryClient)
    : null;
}

const NOW = Symbol("now");

/** Per column: its key in the row, its SQL name, and the value an absent key takes (precomputed once). */
const COLUMNS = Object.entries(getTableColumns(completionRequests)).map(([key, column]) => ({
  key,
  name: column.name,
  /** created_at defaults to now(); static defaults are copied; other absent values are NULL. */
  fill: column.name === "created_at" ? NOW : column.hasDefault && column.default !== undefined && !is(column.default, SQL) ? column.default : null,
}));
const COLUMN_LIST = COLUMNS.map(({ name }) => `"${name}"`).join(", ");
/** Settlement overwrites what the request learnt; identity columns (key, protocol, model asked for, created_at) stay. */
const UPDATED = [
  "served_model", "provider_id", "status", "input_tokens", "output_tokens", "cached_input_tokens", "cache_write_input_tokens",
  "reasoning_tokens", "usage_source", "cost_usd", "price_source", "unpriced", "finish_reason", "error_code", "error_message",
  "latency_ms", "time_to_first_token_ms", "decision", "warnings", "finished_at",
];
const UPDATE_LIST = UPDATED.map((name) => `"${name}" = excluded."${name}"`).join(", ");
/** The batch upsert around its one jsonb parameter. */
const UPSERT_PREFIX = `insert into completion_requests (${COLUMN_LIST})
  select ${COLUMN_LIST} from jsonb_populate_recordset(null::completion_requests, `;
const UPSERT_SUFFIX = `::jsonb) on conflict (id) do update set ${UPDATE_LIST}`;
const UPSERT_TEXT = `${UPSERT_PREFIX}$1${UPSERT_SUFFIX}`;
const UPSERT_NAME = "switchyard_request_log_upsert";

/** A row keyed by column name, with the column defaults filled in (jsonb_populate_recordset leaves absent keys NULL). */
function toColumnRecord(row: Row): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const source = row as Record<string, unknown>;
  for (const { key, name, fill } of COLUMNS) {
    const value = source[key];
    record[name] = value !== undefined ? value : fill === NOW ? new Date() : fill;
  }
  return record;
}
