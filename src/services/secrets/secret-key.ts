import { randomBytes, scryptSync } from "node:crypto";
import { mkdir, open, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const KEY_BYTES = 32;
/**
 * Fixed salt for deriving a key from a passphrase. A per-install random salt would have to be
 * stored next to the data, and every instance sharing SWITCHYARD_SECRET_KEY must derive the same
 * key; the passphrase's own entropy is what protects it, so use 64 hex chars in production.
 */
const PASSPHRASE_SALT = "switchyard/secret-key/v1";

/**
 * SWITCHYARD_SECRET_KEY → a 32-byte AES key:
 * - 64 hex characters: the key itself;
 * - base64 (or base64url) of exactly 32 bytes: the key itself;
 * - anything else: a passphrase, stretched with scrypt (N=2^15, r=8, p=1) and a fixed salt.
 */
export function parseSecretKey(value: string): Buffer {
  const trimmed = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const decoded = Buffer.from(trimmed, "base64");
    if (decoded.length === KEY_BYTES) return decoded;
  }
  return scryptSync(trimmed, PASSPHRASE_SALT, KEY_BYTES, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
}

export interface SecretKeyConfig {
  secretKey: string | null;
  dataDir: string;
}

/**
 * The key that encrypts provider credentials. Without SWITCHYARD_SECRET_KEY a random key is
 * generated once into `<dataDir>/secret.key` (mode 0600) and reused; that only suits a single
 * instance, hence the warning.
 */
export async function loadOrCreateSecretKey(config: SecretKeyConfig, warn: (message: string) => void): Promise<Buffer> {
  if (config.secretKey) return parseSecretKey(config.secretKey);
  const directory = resolve(config.dataDir);
  const path = join(directory, "secret.key");
  await mkdir(directory, { recursive: true });
  const existing = await readKeyFile(path);
  if (existing) return existing;
  const key = randomBytes(KEY_BYTES);
  try {
    const handle = await open(path, "wx", 0o600);
    await handle.writeFile(`${key.toString("hex")}\n`);
    await handle.close();
  } catch (error) {
    // Another process created it between our read and write: use theirs.
    if (typeof error === "object" && error !== null && "code" in error && error.code === "EEXIST") {
      const raced = await readKeyFile(path);
      if (raced) return raced;
    }
    throw error;
  }
  warn(
    `SWITCHYARD_SECRET_KEY is not set: generated a key in ${path}. Provider credentials are encrypted with it; ` +
      "back it up, and set SWITCHYARD_SECRET_KEY explicitly when several instances share a database.",
  );
  return key;
}

async function readKeyFile(path: string): Promise<Buffer | null> {
  const text = await readFile(path, "utf8").catch((error: unknown) => {
    if (typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT") return null;
    throw error;
  });
  if (text === null || text.trim() === "") return null;
  return parseSecretKey(text);
}
