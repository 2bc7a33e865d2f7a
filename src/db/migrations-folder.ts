import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const JOURNAL = join("meta", "_journal.json");

/**
 * Locates `migrations/` from the project root rather than relative to this file, so the
 * same code works under tsx, vitest and a compiled `dist/` (STACK pitfall 19).
 * Order: SWITCHYARD_MIGRATIONS_DIR, then the nearest ancestor of this file holding
 * `migrations/meta/_journal.json`, then the working directory.
 */
export function resolveMigrationsFolder(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.SWITCHYARD_MIGRATIONS_DIR;
  if (fromEnv) return resolve(fromEnv);
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, "migrations");
    if (existsSync(join(candidate, JOURNAL))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  const fromCwd = resolve("migrations");
  if (existsSync(join(fromCwd, JOURNAL))) return fromCwd;
  throw new Error("migrations folder not found (set SWITCHYARD_MIGRATIONS_DIR)");
}

export interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

/** The migrations drizzle-kit generated, as listed in its journal. */
export function readJournal(migrationsFolder: string): JournalEntry[] {
  const text = readFileSync(join(migrationsFolder, JOURNAL), "utf8");
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null || !("entries" in parsed) || !Array.isArray(parsed.entries)) {
    throw new Error(`invalid migrations journal in ${migrationsFolder}`);
  }
  return parsed.entries as JournalEntry[];
}
