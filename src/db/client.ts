import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { sql, type Logger, type SQL } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type pg from "pg";
import { readJournal, resolveMigrationsFolder } from "./migrations-folder.js";
import { PgListener } from "./pg-listener.js";
import { acquireDataDirLock } from "./pglite-lock.js";
import * as schema from "./schema/index.js";

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface QueryCounter {
  count: number;
  reset(): void;
}

export interface Database {
  db: Db;
  driver: "pglite" | "pg";
  /** SELECT 1; rejects when the database is unreachable. */
  ping(): Promise<void>;
  /** True when every migration in `migrations/` is recorded as applied. */
  migrationsApplied(): Promise<boolean>;
  /** Counts SQL statements sent through Drizzle (for N+1 tests): reset() then read .count. */
  queries: QueryCounter;
  /** LISTEN/NOTIFY for cross-instance cache invalidation. Use lowercase channel names. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  /** The app data dir; the embedded database lives in `<dataDir>/pglite`. null = in-memory PGlite. */
  dataDir: string | null;
  /** Start an in-memory PGlite from this `dumpDataDir()` tarball (used by tests for speed). */
  pgliteSnapshot?: Blob;
  /** Override of the migrations folder (default: resolved from the project root). */
  migrationsFolder?: string;
  /** pg pool size (default 10). */
  poolSize?: number;
}

/** Opens PGlite or PostgreSQL and applies the migrations (a no-op when they are already applied). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const migrationsFolder = options.migrationsFolder ?? resolveMigrationsFolder();
  const queries = createQueryCounter();
  const logger: Logger = { logQuery: () => void queries.count++ };
  const database = options.databaseUrl
    ? await openPg(options.databaseUrl, logger, options.poolSize ?? 10)
    : await openPglite(options, logger);
  const opened: Database = {
    ...database,
    queries,
    migrationsApplied: () => migrationsApplied(database.db, migrationsFolder),
  };
  try {
    await database.migrate(migrationsFolder);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

/** The path of the embedded database inside the app data dir. */
export function pgliteDirectory(dataDir: string): string {
  return join(resolve(dataDir), "pglite");
}

type OpenedDriver = Omit<Database, "queries" | "migrationsApplied"> & {
  migrate(migrationsFolder: string): Promise<void>;
};

async function openPglite(options: OpenDatabaseOptions, logger: Logger): Promise<OpenedDriver> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  let releaseLock: (() => Promise<void>) | null = null;
  let client: PGlite;
  if (options.dataDir) {
    const directory = pgliteDirectory(options.dataDir);
    releaseLock = await acquireDataDirLock(resolve(options.dataDir));
    try {
      await mkdir(directory, { recursive: true });
      client = await PGlite.create(directory);
    } catch (error) {
      await releaseLock();
      throw error;
    }
  } else {
    client = await PGlite.create(options.pgliteSnapshot ? { loadDataDir: options.pgliteSnapshot } : {});
  }
  const db = drizzle(client, { schema, logger });
  return {
    db,
    driver: "pglite",
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    ping: async () => {
      await client.query("select 1");
    },
    listen: (channel, onMessage) => client.listen(channel, onMessage),
    notify: async (channel, payload) => {
      await client.query("select pg_notify($1, $2)", [channel, payload]);
    },
    close: async () => {
      if (!client.closed) await client.close();
      await releaseLock?.();
    },
  };
}

async function openPg(databaseUrl: string, logger: Logger, poolSize: number): Promise<OpenedDriver> {
  const { default: pgModule } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  // A bounded connect timeout makes ping() (and /readyz) fail instead of hanging on a dead host.
  const pool: pg.Pool = new pgModule.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5000 });
  // An idle client dropped by the server must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const listener = new PgListener(databaseUrl);
  const db = drizzle(pool, { schema, logger });
  return {
    db,
    driver: "pg",
    migrate: (migrationsFolder) => migrate(db, { migrationsFolder }),
    ping: async () => {
      await pool.query("select 1");
    },
    listen: (channel, onMessage) => listener.listen(channel, onMessage),
    notify: async (channel, payload) => {
      await pool.query("select pg_notify($1, $2)", [channel, payload]);
    },
    close: async () => {
      await listener.close();
      await pool.end();
    },
  };
}

async function migrationsApplied(db: Db, migrationsFolder: string): Promise<boolean> {
  const expected = readJournal(migrationsFolder).map((entry) => entry.when);
  try {
    const rows = await executeRows(db, sql`select created_at from drizzle.__drizzle_migrations`);
    const applied = new Set(rows.map((row) => Number(row.created_at)));
    return expected.every((when) => applied.has(when));
  } catch {
    // The migrations table does not exist yet.
    return false;
  }
}

/**
 * Runs raw SQL and returns its rows on either driver (node-postgres and PGlite both answer
 * `{ rows }`, but the generic Db type cannot say so).
 */
export async function executeRows(db: Db, query: SQL): Promise<Record<string, unknown>[]> {
  const result: unknown = await db.execute(query);
  if (typeof result === "object" && result !== null && "rows" in result && Array.isArray(result.rows)) {
    return result.rows as Record<string, unknown>[];
  }
  throw new Error("unexpected result shape from db.execute");
}

function createQueryCounter(): QueryCounter {
  const counter: QueryCounter = {
    count: 0,
    reset() {
      counter.count = 0;
    },
  };
  return counter;
}
