import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SecretBox, SecretDecryptionError } from "./secret-box.js";
import { loadOrCreateSecretKey, parseSecretKey } from "./secret-key.js";

describe("SecretBox", () => {
  const box = new SecretBox(randomBytes(32));

  it("round-trips and uses a fresh IV each time", () => {
    const first = box.encrypt("sk-live-secret ü");
    const second = box.encrypt("sk-live-secret ü");
    expect(first).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(first).not.toBe(second);
    expect(first).not.toContain("sk-live");
    expect(box.decrypt(first)).toBe("sk-live-secret ü");
    expect(box.decrypt(second)).toBe("sk-live-secret ü");
  });

  it("detects tampering", () => {
    const [version, iv, tag, data] = box.encrypt("sk-live-secret").split(":") as [string, string, string, string];
    const flipped = Buffer.from(data, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.decrypt([version, iv, tag, flipped.toString("base64")].join(":"))).toThrow(SecretDecryptionError);
    const badTag = Buffer.from(tag, "base64");
    badTag[0] = badTag[0]! ^ 1;
    expect(() => box.decrypt([version, iv, badTag.toString("base64"), data].join(":"))).toThrow(SecretDecryptionError);
    expect(() => box.decrypt(["v2", iv, tag, data].join(":"))).toThrow(/unsupported/);
  });

  it("rejects ciphertext from another key", () => {
    const other = new SecretBox(randomBytes(32));
    expect(() => other.decrypt(box.encrypt("x"))).toThrow(SecretDecryptionError);
  });
});

describe("parseSecretKey", () => {
  it("accepts hex and base64 keys as-is and derives anything else", () => {
    const raw = randomBytes(32);
    expect(parseSecretKey(raw.toString("hex")).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString("base64")).equals(raw)).toBe(true);
    expect(parseSecretKey(raw.toString("base64url")).equals(raw)).toBe(true);
    const derived = parseSecretKey("correct horse battery staple");
    expect(derived).toHaveLength(32);
    expect(parseSecretKey("correct horse battery staple").equals(derived)).toBe(true);
    expect(parseSecretKey("another passphrase").equals(derived)).toBe(false);
  });
});

describe("loadOrCreateSecretKey", () => {
  const directories: string[] = [];
  afterEach(async () => {
    await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
  });

  it("uses SWITCHYARD_SECRET_KEY without touching the data dir", async () => {
    const dataDir = join(tmpdir(), `sy-never-${randomBytes(4).toString("hex")}`);
    const warnings: string[] = [];
    const key = await loadOrCreateSecretKey({ secretKey: "ab".repeat(32), dataDir }, (message) => warnings.push(message));
    expect(key.toString("hex")).toBe("ab".repeat(32));
    expect(warnings).toEqual([]);
    await expect(stat(dataDir)).rejects.toThrow();
  });

  it("generates a 0600 key file once, with a warning, and reuses it", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sy-secret-"));
    directories.push(dataDir);
    const warnings: string[] = [];
    const first = await loadOrCreateSecretKey({ secretKey: null, dataDir }, (message) => warnings.push(message));
    const second = await loadOrCreateSecretKey({ secretKey: null, dataDir }, (message) => warnings.push(message));
    expect(first.equals(second)).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("SWITCHYARD_SECRET_KEY");
    const file = join(dataDir, "secret.key");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, "utf8")).trim()).toBe(first.toString("hex"));
    const box = new SecretBox(first);
    expect(new SecretBox(second).decrypt(box.encrypt("kept"))).toBe("kept");
  });
});
