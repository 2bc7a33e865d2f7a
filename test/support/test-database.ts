import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../../src/db/client.js";
import { resolveMigrationsFolder } from "../../src/db/migrations-folder.js";

export type TestDatabase = Database & {
  dispose(): Promise<void>;
  /** The connection string of this database on a real server; null for PGlite. */
  databaseUrl: string | null;
};

/**
 * A fresh, migrated database for one test file (or test).
 * DATABASE_URL set: `CREATE DATABASE sy_test_<random>` on that server, dropped on dispose.
 * Otherwise: in-memory PGlite started from a migrated snapshot cached in the OS temp dir,
 * keyed by a hash of the migrations (a fresh PGlite init costs 6-10 s, a snapshot ~2 s).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const databaseUrl = process.env.DATABASE_URL;
  return databaseUrl ? createPgTestDatabase(databaseUrl) : createPgliteTestDatabase();
}

async function createPgTestDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `sy_test_${randomBytes(6).toString("hex")}`;
  const adminUrl = withDatabase(serverUrl, "postgres");
  await runAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const databaseUrl = withDatabase(serverUrl, name);
  let database: Database;
  try {
    database = await openDatabase({ databaseUrl, dataDir: null, poolSize: 4 });
  } catch (error) {
    await runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    throw error;
  }
  let disposed = false;
  return Object.assign(database, {
    databaseUrl,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await database.close();
      await runAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const snapshot = await loadOrBuildSnapshot();
  const database = await openDatabase({ databaseUrl: null, dataDir: null, pgliteSnapshot: snapshot });
  let disposed = false;
  return Object.assign(database, {
    databaseUrl: null,
    async dispose() {
      if (disposed) return;
      disposed = true;
      await database.close();
    },
  });
}

async function loadOrBuildSnapshot(): Promise<Blob> {
  const path = join(tmpdir(), `switchyard-pglite-${migrationsHash()}.tar`);
  const cached = await readFile(path).catch(() => null);
  if (cached) return new Blob([cached]);
  const { PGlite } = await import("@electric-sql/pglite");
  const client = await PGlite.create();
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(drizzle(client), { migrationsFolder: resolveMigrationsFolder() });
  const dump = await client.dumpDataDir("none");
  await client.close();
  const bytes = Buffer.from(await dump.arrayBuffer());
  // Write then rename: parallel workers may race, and a reader must never see half a file.
  const partial = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
  await writeFile(partial, bytes);
  await rename(partial, path);
  return new Blob([bytes]);
}

function migrationsHash(): string {
  const folder = resolveMigrationsFolder();
  const hash = createHash("sha256");
  for (const file of listFiles(folder)) {
    hash.update(file.slice(folder.length));
    hash.update(readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(directory: string): string[] {
  return readdirSync(directory)
    .sort()
    .flatMap((entry) => {
      const path = join(directory, entry);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function runAdmin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
