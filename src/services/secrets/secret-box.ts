import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptionError";
  }
}

/**
 * AES-256-GCM for provider credentials at rest. Ciphertext: `v1:<iv>:<tag>:<data>` (base64).
 * The version prefix lets a future key rotation or algorithm change tell old rows apart:
 * to rotate, decrypt every row with the old box and re-encrypt with the new one.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error("SecretBox needs a 32-byte key");
    this.key = Buffer.from(key);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString("base64"), tag.toString("base64"), data.toString("base64")].join(":");
  }

  /** Throws SecretDecryptionError when the text was altered or encrypted under another key. */
  decrypt(ciphertext: string): string {
    const parts = ciphertext.split(":");
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretDecryptionError("unsupported secret format");
    }
    const [, ivText, tagText, dataText] = parts as [string, string, string, string];
    const iv = Buffer.from(ivText, "base64");
    const tag = Buffer.from(tagText, "base64");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError("malformed secret");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(dataText, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretDecryptionError("secret could not be decrypted (wrong SWITCHYARD_SECRET_KEY or altered data)");
    }
  }
}
