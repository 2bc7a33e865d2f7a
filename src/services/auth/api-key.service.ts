import { and, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { apiKeys, type ApiKeyRoleValue, type ApiKeyRow, type BudgetPeriodValue } from "../../db/schema/index.js";
import { apiKeyPrefix, generateApiKeySecret, hashApiKeySecret } from "./api-key-secret.js";
import { ExpiringCache } from "./principal-cache.js";

export interface Principal {
  keyId: string;
  name: string;
  role: "ADMIN" | "APP";
  prefix: string;
  /** null: every model and route. */
  allowedModels: string[] | null;
  budgetLimitUsd: string | null;
  budgetPeriod: BudgetPeriodValue | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

export interface CreateApiKeyInput {
  name: string;
  role: ApiKeyRoleValue;
  allowedModels?: string[] | null;
  /** Decimal string, USD. */
  budgetLimitUsd?: string | null;
  budgetPeriod?: BudgetPeriodValue | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

export interface ApiKeyServiceDeps {
  database: Database;
  clock?: () => Date;
  /** How long a valid key stays cached; revocations are also pushed by NOTIFY. Default 60 s. */
  cacheTtlMs?: number;
  /** How long an unknown or revoked key stays cached. Default 5 s. */
  negativeCacheTtlMs?: number;
  maxCacheEntries?: number;
}

export const ENV_ADMIN_KEY_NAME = "admin (SWITCHYARD_ADMIN_KEY)";
export const GENERATED_ADMIN_KEY_NAME = "admin (generated)";
/** NOTIFY channel: payload is a secret hash to evict, or "*" for everything. */
export const API_KEY_INVALIDATION_CHANNEL = "switchyard_api_keys";
/** Serializes the admin bootstrap across instances starting at the same time. */
const ADMIN_BOOTSTRAP_LOCK = 7_311_042_001;
const MAX_SECRET_LENGTH = 512;

export class ApiKeyService {
  private readonly database: Database;
  private readonly clock: () => Date;
  private readonly cacheTtlMs: number;
  private readonly negativeCacheTtlMs: number;
  private readonly cache: ExpiringCache<Principal | null>;
  private readonly inFlight = new Map<string, Promise<Principal | null>>();

  constructor(deps: ApiKeyServiceDeps) {
    this.database = deps.database;
    this.clock = deps.clock ?? (() => new Date());
    this.cacheTtlMs = deps.cacheTtlMs ?? 60_000;
    this.negativeCacheTtlMs = deps.negativeCacheTtlMs ?? 5_000;
    this.cache = new ExpiringCache(deps.maxCacheEntries ?? 10_000);
  }

  /** "Bearer x" → "x"; anything else → null. */
  parseAuthorization(header: string | undefined): string | null {
    if (!header) return null;
    const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
    return match ? match[1]! : null;
  }

  /** The key's principal, or null when unknown or revoked. Cached; a miss costs one query. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (secret.length === 0 || secret.length > MAX_SECRET_LENGTH) return null;
    const hash = hashApiKeySecret(secret);
    const now = this.clock().getTime();
    const cached = this.cache.get(hash, now);
    if (cached) return cached.value;
    let pending = this.inFlight.get(hash);
    if (!pending) {
      pending = this.lookup(hash).finally(() => this.inFlight.delete(hash));
      this.inFlight.set(hash, pending);
    }
    return pending;
  }

  /**
   * With SWITCHYARD_ADMIN_KEY: make sure its hash is an active ADMIN key. Without it: create an
   * admin key when no active one exists and return its secret; this happens once, even when
   * several instances start together (advisory lock in one transaction).
   */
  async ensureAdminKey(adminKeyFromEnv: string | null): Promise<{ generatedSecret: string | null }> {
    const result = await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${ADMIN_BOOTSTRAP_LOCK})`);
      if (adminKeyFromEnv) {
        const secretHash = hashApiKeySecret(adminKeyFromEnv);
        await tx
          .insert(apiKeys)
          .values({ name: ENV_ADMIN_KEY_NAME, prefix: apiKeyPrefix(adminKeyFromEnv), secretHash, role: "ADMIN" })
          .onConflictDoUpdate({ target: apiKeys.secretHash, set: { role: "ADMIN", revokedAt: null } });
        return { generatedSecret: null, evict: secretHash };
      }
      const [existing] = await tx
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.role, "ADMIN"), isNull(apiKeys.revokedAt)))
        .limit(1);
      if (existing) return { generatedSecret: null, evict: null };
      const secret = generateApiKeySecret();
      await tx.insert(apiKeys).values({
        name: GENERATED_ADMIN_KEY_NAME,
        prefix: apiKeyPrefix(secret),
        secretHash: hashApiKeySecret(secret),
        role: "ADMIN",
      });
      return { generatedSecret: secret, evict: null };
    });
    if (result.evict) this.cache.delete(result.evict);
    return { generatedSecret: result.generatedSecret };
  }

  /** Creates a key; the secret is returned here only and never stored. */
  async createKey(input: CreateApiKeyInput): Promise<{ key: ApiKeyRow; secret: string }> {
    const secret = generateApiKeySecret();
    const [key] = await this.database.db
      .insert(apiKeys)
      .values({
        name: input.name,
        role: input.role,
        prefix: apiKeyPrefix(secret),
        secretHash: hashApiKeySecret(secret),
        allowedModels: input.allowedModels ?? null,
        budgetLimitUsd: input.budgetLimitUsd ?? null,
        budgetPeriod: input.budgetPeriod ?? null,
        requestsPerMinute: input.requestsPerMinute ?? null,
        tokensPerMinute: input.tokensPerMinute ?? null,
      })
      .returning();
    return { key: key!, secret };
  }

  /** Revokes a key (idempotent) and evicts it from every instance's cache. null: no such key. */
  async revokeKey(id: string): Promise<ApiKeyRow | null> {
    const [revoked] = await this.database.db
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${this.clock().toISOString()}::timestamptz)` })
      .where(eq(apiKeys.id, id))
      .returning();
    if (!revoked) return null;
    await this.publishInvalidation(revoked.secretHash);
    return revoked;
  }

  /** Evicts one hash (or everything) here and on other instances; call after any key change. */
  async publishInvalidation(secretHash: string | "*"): Promise<void> {
    this.evict(secretHash);
    await this.database.notify(API_KEY_INVALIDATION_CHANNEL, secretHash);
  }

  /** Listens for invalidations from other instances; returns the unsubscribe function. */
  subscribeToInvalidations(): Promise<() => Promise<void>> {
    return this.database.listen(API_KEY_INVALIDATION_CHANNEL, (payload) => this.evict(payload));
  }

  private evict(secretHash: string): void {
    if (secretHash === "*") this.cache.clear();
    else this.cache.delete(secretHash);
  }

  /**
   * One statement both finds an active key and records its use, so `lastUsedAt` is exact to
   * within the cache TTL and authentication never adds a background write.
   */
  private async lookup(secretHash: string): Promise<Principal | null> {
    const [row] = await this.database.db
      .update(apiKeys)
      .set({ lastUsedAt: this.clock() })
      .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)))
      .returning();
    const principal = row ? toPrincipal(row) : null;
    const now = this.clock().getTime();
    this.cache.set(secretHash, principal, now + (principal ? this.cacheTtlMs : this.negativeCacheTtlMs));
    return principal;
  }
}

export function toPrincipal(row: ApiKeyRow): Principal {
  return {
    keyId: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    allowedModels: row.allowedModels ?? null,
    budgetLimitUsd: row.budgetLimitUsd ?? null,
    budgetPeriod: row.budgetPeriod ?? null,
    requestsPerMinute: row.requestsPerMinute ?? null,
    tokensPerMinute: row.tokensPerMinute ?? null,
  };
}
