import { readJournal, resolveMigrationsFolder } from "./migrations-folder.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";
import { executeRows, openDatabase } from "./client.js";
import { apiKeys, conversations, messages } from "./schema/index.js";

describe("openDatabase (test database)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("is migrated and reachable", async () => {
    await database.ping();
    expect(await database.migrationsApplied()).toBe(true);
    expect(database.driver).toBe(process.env.DATABASE_URL ? "pg" : "pglite");
  });

  it("counts queries", async () => {
    database.queries.reset();
    await database.db.select().from(apiKeys);
    await database.db.select().from(conversations);
    expect(database.queries.count).toBe(2);
  });

  it("stores money as exact decimals and orders messages by seq", async () => {
    const [key] = await database.db
      .insert(apiKeys)
      .values({ name: "k", prefix: "sy-abcdefg", secretHash: "h-seq", role: "APP", budgetLimitUsd: "0.000000123456" })
      .returning();
    expect(key!.budgetLimitUsd).toBe("0.000000123456");
    const [conversation] = await database.db.insert(conversations).values({ apiKeyId: key!.id }).returning();
    await database.db.insert(messages).values([
      { conversationId: conversation!.id, role: "USER", content: "a" },
      { conversationId: conversation!.id, role: "ASSISTANT", content: "b" },
    ]);
    const rows = await database.db.select().from(messages).orderBy(messages.seq);
    expect(rows.map((row) => row.content)).toEqual(["a", "b"]);
    expect(rows[1]!.seq).toBeGreaterThan(rows[0]!.seq);
  });

  it("delivers NOTIFY to LISTEN", async () => {
    const received: string[] = [];
    const unlisten = await database.listen("sy_test_channel", (payload) => received.push(payload));
    await database.notify("sy_test_channel", "hello");
    await expect.poll(() => received).toEqual(["hello"]);
    await unlisten();
    await database.notify("sy_test_channel", "after");
    await database.ping();
    expect(received).toEqual(["hello"]);
  });

  it.skipIf(!process.env.DATABASE_URL)("reopens an existing PostgreSQL database with migrate as a no-op", async () => {
    const second = await openDatabase({ databaseUrl: database.databaseUrl, dataDir: null, poolSize: 1 });
    try {
      expect(second.driver).toBe("pg");
      expect(await second.migrationsApplied()).toBe(true);
      const rows = await executeRows(second.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(rows[0]!.n).toBe(readJournal(resolveMigrationsFolder()).length);
      // Cross-connection NOTIFY: what cache invalidation between instances relies on.
      const received: string[] = [];
      const unlisten = await second.listen("sy_cross", (payload) => received.push(payload));
      await database.notify("sy_cross", "from-first");
      await expect.poll(() => received).toEqual(["from-first"]);
      await unlisten();
    } finally {
      await second.close();
    }
  });

  it.skipIf(!process.env.DATABASE_URL)("re-establishes LISTEN after the listening connection is killed", async () => {
    const received: string[] = [];
    const unlisten = await database.listen("sy_reconnect", (payload) => received.push(payload));
    try {
      const killed = await executeRows(
        database.db,
        sql`select pg_terminate_backend(pid) as ok from pg_stat_activity
            where datname = current_database() and query like 'LISTEN%'`,
      );
      expect(killed.length).toBeGreaterThan(0);
      // Keep notifying until the listener is back: notifications sent while it is down are lost by design.
      await expect
        .poll(async () => {
          await database.notify("sy_reconnect", "again");
          return received.length;
        }, { timeout: 10_000, interval: 200 })
        .toBeGreaterThan(0);
    } finally {
      await unlisten();
    }
  });

  it("reports unapplied migrations when the history is missing", async () => {
    await database.db.execute(sql`alter table drizzle.__drizzle_migrations rename to m_backup`);
    try {
      expect(await database.migrationsApplied()).toBe(false);
    } finally {
      await database.db.execute(sql`alter table drizzle.m_backup rename to __drizzle_migrations`);
    }
    expect(await database.migrationsApplied()).toBe(true);
  });
});

describe.skipIf(Boolean(process.env.DATABASE_URL))("openDatabase on a PGlite data dir", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "sy-pglite-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("migrates a fresh dir, reopens it as a no-op, and refuses a second opener", async () => {
    const first = await openDatabase({ databaseUrl: null, dataDir });
    await first.db.insert(apiKeys).values({ name: "kept", prefix: "sy-x", secretHash: "h-kept", role: "APP" });
    await expect(openDatabase({ databaseUrl: null, dataDir })).rejects.toThrow(/in use by process/);
    await first.close();

    const reopened = await openDatabase({ databaseUrl: null, dataDir });
    try {
      expect(await reopened.migrationsApplied()).toBe(true);
      const rows = await executeRows(reopened.db, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(rows[0]!.n).toBe(readJournal(resolveMigrationsFolder()).length);
      const kept = await reopened.db.select().from(apiKeys);
      expect(kept.map((row) => row.name)).toEqual(["kept"]);
    } finally {
      await reopened.close();
    }
  });
});

describe("openDatabase against an unreachable server", () => {
  it("rejects instead of hanging", async () => {
    await expect(openDatabase({ databaseUrl: "postgres://postgres@127.0.0.1:1/none", dataDir: null })).rejects.toThrow();
  });
});
