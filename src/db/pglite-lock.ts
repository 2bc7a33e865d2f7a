import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * PGlite is single-user: two processes opening one data dir corrupt it. A pid lock file makes
 * the second one fail fast with a clear message; a lock left by a dead process is taken over.
 */
export async function acquireDataDirLock(directory: string): Promise<() => Promise<void>> {
  await mkdir(directory, { recursive: true });
  const lockPath = join(directory, "switchyard.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx", 0o600);
      await handle.writeFile(String(process.pid));
      await handle.close();
      return async () => {
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if (!isErrno(error, "EEXIST")) throw error;
      const holder = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new Error(
          `The embedded database in ${directory} is in use by process ${holder}. ` +
            "PGlite allows one process per data directory: stop the other instance, set SWITCHYARD_DATA_DIR " +
            "to another directory, or use DATABASE_URL to share a PostgreSQL server between instances.",
        );
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${directory}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, "EPERM");
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === code;
}
