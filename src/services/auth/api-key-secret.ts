import { createHash, randomBytes } from "node:crypto";

export const API_KEY_SECRET_PREFIX = "sy-";
const PREFIX_LENGTH = 10;

/** `sy-` + 43 base64url characters (32 random bytes). */
export function generateApiKeySecret(): string {
  return API_KEY_SECRET_PREFIX + randomBytes(32).toString("base64url");
}

/**
 * sha256 hex. The secrets are 256-bit random values, so a fast hash is enough: brute force is
 * hopeless and a slow KDF would only cost CPU on every authenticated request.
 */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * The part of a secret shown in listings. A generated secret shows its first 10 characters
 * (7 random ones); a short operator-chosen key shows at most a quarter of itself.
 */
export function apiKeyPrefix(secret: string): string {
  const limit = secret.startsWith(API_KEY_SECRET_PREFIX) ? PREFIX_LENGTH : Math.floor(secret.length / 4);
  return secret.slice(0, Math.min(PREFIX_LENGTH, limit));
}
