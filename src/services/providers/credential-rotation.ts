import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { providers } from "../../db/schema/index.js";
import type { SecretBox } from "../secrets/index.js";

export interface RotationResult {
  /** Credentials re-encrypted from a previous key to the current one. */
  rotated: string[];
  /** Credentials that neither the current nor any previous key can decrypt. */
  unreadable: string[];
}

/**
 * Key rotation for provider credentials: start with the new SWITCHYARD_SECRET_KEY and the old one
 * in SWITCHYARD_SECRET_KEY_PREVIOUS; every credential still under an old key is re-encrypted under
 * the new one (one row at a time, so a crash midway leaves each row readable by one of the keys).
 * Once the start has logged `rotated`, the previous key can be dropped.
 */
export async function rotateProviderCredentials(database: Database, current: SecretBox, previous: readonly SecretBox[]): Promise<RotationResult> {
  const result: RotationResult = { rotated: [], unreadable: [] };
  const rows = await database.db.select({ id: providers.id, ciphertext: providers.apiKeyCiphertext }).from(providers);
  for (const row of rows) {
    if (!row.ciphertext || canDecrypt(current, row.ciphertext)) continue;
    const plaintext = decryptWithAny(previous, row.ciphertext);
    if (plaintext === null) {
      result.unreadable.push(row.id);
      continue;
    }
    await database.db.update(providers).set({ apiKeyCiphertext: current.encrypt(plaintext) }).where(eq(providers.id, row.id));
    result.rotated.push(row.id);
  }
  return result;
}

function canDecrypt(box: SecretBox, ciphertext: string): boolean {
  return decryptWithAny([box], ciphertext) !== null;
}

function decryptWithAny(boxes: readonly SecretBox[], ciphertext: string): string | null {
  for (const box of boxes) {
    try {
      return box.decrypt(ciphertext);
    } catch {
      // Not this key: try the next one.
    }
  }
  return null;
}
