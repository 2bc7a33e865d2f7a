import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/support/test-database.js";
import { apiKeys } from "../../db/schema/index.js";
import { ApiKeyService, ENV_ADMIN_KEY_NAME } from "./api-key.service.js";

describe("ApiKeyService", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("parses Bearer authorization headers", () => {
    const service = new ApiKeyService({ database });
    expect(service.parseAuthorization("Bearer sy-abc")).toBe("sy-abc");
    expect(service.parseAuthorization("bearer  sy-abc ")).toBe("sy-abc");
    expect(service.parseAuthorization("Basic xyz")).toBeNull();
    expect(service.parseAuthorization("Bearer")).toBeNull();
    expect(service.parseAuthorization(undefined)).toBeNull();
  });

  it("creates keys whose secret is stored only as a sha256 hash", async () => {
    const service = new ApiKeyService({ database });
    const { key, secret } = await service.createKey({ name: "app", role: "APP", allowedModels: ["openai/gpt-4o-mini"], requestsPerMinute: 5 });
    expect(secret).toMatch(/^sy-[A-Za-z0-9_-]{43}$/);
    expect(key.prefix).toBe(secret.slice(0, 10));
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.secretHash).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(row)).not.toContain(secret);
    const principal = await service.authenticate(secret);
    expect(principal).toMatchObject({ keyId: key.id, name: "app", role: "APP", prefix: key.prefix, allowedModels: ["openai/gpt-4o-mini"], requestsPerMinute: 5 });
    const [used] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(used!.lastUsedAt).toBeInstanceOf(Date);
  });

  it("caches hits and misses: one query each", async () => {
    const service = new ApiKeyService({ database });
    const { secret } = await service.createKey({ name: "cached", role: "APP" });
    database.queries.reset();
    const results = await Promise.all([service.authenticate(secret), service.authenticate(secret)]);
    await service.authenticate(secret);
    expect(results.every((principal) => principal?.name === "cached")).toBe(true);
    expect(database.queries.count).toBe(1);

    database.queries.reset();
    expect(await service.authenticate("sy-unknown")).toBeNull();
    expect(await service.authenticate("sy-unknown")).toBeNull();
    expect(database.queries.count).toBe(1);
    expect(await service.authenticate("")).toBeNull();
    expect(await service.authenticate("x".repeat(10_000))).toBeNull();
    expect(database.queries.count).toBe(1);
  });

  it("expires cached misses so a key created later is found", async () => {
    let now = Date.parse("2030-01-01T00:00:00Z");
    const service = new ApiKeyService({ database, clock: () => new Date(now), negativeCacheTtlMs: 1000 });
    const creator = new ApiKeyService({ database });
    expect(await service.authenticate("sy-not-yet")).toBeNull();
    const { secret } = await creator.createKey({ name: "later", role: "APP" });
    expect(await service.authenticate(secret)).not.toBeNull();
    now += 1001;
    expect(await service.authenticate("sy-not-yet")).toBeNull();
  });

  it("rejects a revoked key at once, here and on another instance", async () => {
    const here = new ApiKeyService({ database });
    const there = new ApiKeyService({ database });
    const unsubscribe = await there.subscribeToInvalidations();
    try {
      const { key, secret } = await here.createKey({ name: "to revoke", role: "APP" });
      expect(await here.authenticate(secret)).not.toBeNull();
      expect(await there.authenticate(secret)).not.toBeNull();
      const revoked = await here.revokeKey(key.id);
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      expect(await here.authenticate(secret)).toBeNull();
      await expect.poll(() => there.authenticate(secret)).toBeNull();
      const again = await here.revokeKey(key.id);
      expect(again?.revokedAt?.getTime()).toBe(revoked!.revokedAt!.getTime());
      expect(await here.revokeKey("00000000-0000-0000-0000-000000000000")).toBeNull();
    } finally {
      await unsubscribe();
    }
  });
});

describe("ApiKeyService.ensureAdminKey", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("generates an admin key exactly once, even when two instances start together", async () => {
    const first = new ApiKeyService({ database });
    const second = new ApiKeyService({ database });
    const results = await Promise.all([first.ensureAdminKey(null), second.ensureAdminKey(null)]);
    const secrets = results.map((result) => result.generatedSecret).filter((secret) => secret !== null);
    expect(secrets).toHaveLength(1);
    expect(await first.ensureAdminKey(null)).toEqual({ generatedSecret: null });
    const principal = await second.authenticate(secrets[0]!);
    expect(principal?.role).toBe("ADMIN");
    const admins = await database.db.select().from(apiKeys).where(eq(apiKeys.role, "ADMIN"));
    expect(admins).toHaveLength(1);
  });

  it("upserts SWITCHYARD_ADMIN_KEY as an admin key, idempotently, reactivating it if revoked", async () => {
    const service = new ApiKeyService({ database });
    const adminKey = "operator-chosen-admin-key";
    expect(await service.ensureAdminKey(adminKey)).toEqual({ generatedSecret: null });
    expect(await service.ensureAdminKey(adminKey)).toEqual({ generatedSecret: null });
    const rows = await database.db.select().from(apiKeys).where(eq(apiKeys.name, ENV_ADMIN_KEY_NAME));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.prefix.length).toBeLessThanOrEqual(Math.floor(adminKey.length / 4));
    expect(adminKey.startsWith(rows[0]!.prefix)).toBe(true);
    expect((await service.authenticate(adminKey))?.role).toBe("ADMIN");

    await service.revokeKey(rows[0]!.id);
    expect(await service.authenticate(adminKey)).toBeNull();
    await service.ensureAdminKey(adminKey);
    expect((await service.authenticate(adminKey))?.name).toBe(ENV_ADMIN_KEY_NAME);
  });
});
