import type { ProviderEnvConfig } from "../../config/config.js";
import type { CatalogProvider, ProviderKind } from "../../core/model/catalog.js";
import type { ProviderAdapter } from "../../core/ports/language-model.js";
import type { Database } from "../../db/client.js";
import { providers as providersTable, type ProviderModelEntry, type ProviderRow } from "../../db/schema/index.js";
import { createProviderAdapter, isProviderId, PROVIDER_DISPLAY_NAMES } from "../../providers/registry.js";
import type { SecretBox } from "../secrets/index.js";

/** A provider as the gateway runs it: catalog-facing facts plus the credential (never leaves this module). */
export interface ProviderEntry {
  id: string;
  kind: ProviderKind;
  name: string;
  baseUrl: string | null;
  enabled: boolean;
  /** Where its configuration comes from: the environment, a database row (admin), or both (row overrides env). */
  origin: "env" | "database";
  models: ProviderModelEntry[];
  apiKey: string | null;
}

export interface ProviderRegistryDeps {
  database: Database;
  secrets: SecretBox;
  envProviders: readonly ProviderEnvConfig[];
  localTokenDelayMs: number;
  warn: (message: string, error?: unknown) => void;
}

/**
 * The configured providers and one adapter each (keep-alive pools live in the adapters, so they are
 * built once and replaced only when a provider's configuration changes). Environment providers come
 * first; an admin row for the same id overrides them.
 */
export class ProviderRegistry {
  private entries = new Map<string, ProviderEntry>();
  private adapters = new Map<string, ProviderAdapter>();
  private fingerprints = new Map<string, string>();

  constructor(private readonly deps: ProviderRegistryDeps) {}

  /** Reads the database rows and rebuilds adapters whose configuration changed. */
  async reload(): Promise<void> {
    const rows = await this.deps.database.db.select().from(providersTable);
    const next = new Map<string, ProviderEntry>();
    for (const env of this.deps.envProviders) next.set(env.id, fromEnv(env));
    for (const row of rows) {
      const env = next.get(row.id);
      next.set(row.id, this.fromRow(row, env));
    }
    await this.swap(next);
  }

  list(): ProviderEntry[] {
    return [...this.entries.values()];
  }

  get(id: string): ProviderEntry | undefined {
    return this.entries.get(id);
  }

  /** The adapter of an enabled provider. */
  adapter(id: string): ProviderAdapter | undefined {
    return this.entries.get(id)?.enabled ? this.adapters.get(id) : undefined;
  }

  catalogProviders(): CatalogProvider[] {
    return this.list().map((entry) => ({
      id: entry.id,
      name: entry.name,
      kind: entry.kind,
      baseUrl: entry.baseUrl,
      enabled: entry.enabled,
      hasCredentials: entry.apiKey !== null,
    }));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.adapters.values()].map((adapter) => adapter.close?.()));
    this.adapters.clear();
  }

  private fromRow(row: ProviderRow, env: ProviderEntry | undefined): ProviderEntry {
    let apiKey = env?.apiKey ?? null;
    if (row.apiKeyCiphertext) {
      try {
        apiKey = this.deps.secrets.decrypt(row.apiKeyCiphertext);
      } catch (error) {
        this.deps.warn(`provider ${row.id}: its stored credential cannot be decrypted with this SWITCHYARD_SECRET_KEY`, error);
        apiKey = null;
      }
    }
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      baseUrl: row.baseUrl ?? env?.baseUrl ?? null,
      enabled: row.enabled,
      origin: "database",
      models: row.models ?? [],
      apiKey,
    };
  }

  private async swap(next: Map<string, ProviderEntry>): Promise<void> {
    const stale: ProviderAdapter[] = [];
    const adapters = new Map<string, ProviderAdapter>();
    const fingerprints = new Map<string, string>();
    for (const entry of next.values()) {
      const fingerprint = JSON.stringify([entry.kind, entry.baseUrl, entry.apiKey]);
      const current = this.adapters.get(entry.id);
      if (current && this.fingerprints.get(entry.id) === fingerprint) {
        adapters.set(entry.id, current);
      } else {
        if (current) stale.push(current);
        const adapter = this.build(entry);
        if (adapter) adapters.set(entry.id, adapter);
      }
      fingerprints.set(entry.id, fingerprint);
    }
    for (const [id, adapter] of this.adapters) if (!next.has(id)) stale.push(adapter);
    this.entries = next;
    this.adapters = adapters;
    this.fingerprints = fingerprints;
    await Promise.allSettled(stale.map((adapter) => adapter.close?.()));
  }

  private build(entry: ProviderEntry): ProviderAdapter | undefined {
    try {
      return createProviderAdapter({
        id: entry.id,
        kind: entry.kind,
        baseUrl: entry.baseUrl,
        apiKey: entry.apiKey,
        name: entry.name,
        localTokenDelayMs: this.deps.localTokenDelayMs,
      });
    } catch (error) {
      this.deps.warn(`provider ${entry.id}: cannot be configured`, error);
      return undefined;
    }
  }
}

function fromEnv(env: ProviderEnvConfig): ProviderEntry {
  return {
    id: env.id,
    kind: env.kind,
    name: isProviderId(env.id) ? PROVIDER_DISPLAY_NAMES[env.id] : env.id,
    baseUrl: env.baseUrl,
    enabled: env.enabled,
    origin: "env",
    models: [],
    apiKey: env.apiKey,
  };
}
