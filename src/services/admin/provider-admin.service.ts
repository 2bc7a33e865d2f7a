import { eq } from "drizzle-orm";
import type { CatalogProvider, ProviderKind } from "../../core/model/catalog.js";
import { AppError } from "../../core/model/errors.js";
import type { Database } from "../../db/client.js";
import { providers as providersTable, type ProviderModelEntry } from "../../db/schema/index.js";
import { createProviderAdapter, DEFAULT_PROVIDER_KINDS, isProviderId } from "../../providers/registry.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import type { ProviderRegistry } from "../providers/provider-registry.js";
import type { SecretBox } from "../secrets/index.js";
import type { ConfigChanges } from "./config-changes.js";
import { validateName } from "./admin-validation.js";

export interface UpsertProviderInput {
  id: string;
  kind: ProviderKind;
  name?: string | null;
  baseUrl?: string | null;
  /** Write-only. undefined: keep the stored key; null or "": remove it; a string: encrypt and store. */
  apiKey?: string | null;
  enabled?: boolean | null;
  /** OPENAI_COMPATIBLE: the upstream model names; absent: discovered with GET {baseUrl}/models. */
  models?: string[] | null;
}

export interface ProviderAdminDeps {
  database: Database;
  secrets: SecretBox;
  providers: ProviderRegistry;
  catalog: CatalogService;
  changes: ConfigChanges;
  /** Model discovery timeout (default 10 s). */
  discoveryTimeoutMs?: number;
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const KINDS: readonly ProviderKind[] = ["OPENAI", "ANTHROPIC", "GEMINI", "OPENAI_COMPATIBLE", "LOCAL"];
const MAX_MODELS = 1_000;

/**
 * Provider administration. The credential is encrypted with AES-256-GCM (SecretBox, keyed by
 * SWITCHYARD_SECRET_KEY) before it is written, is never returned (Provider.hasCredentials only) and
 * never logged: it lives only in the input object and the ciphertext. A database row for an
 * environment provider overrides it (its env key and base URL stay the fallback).
 */
export class ProviderAdminService {
  constructor(private readonly deps: ProviderAdminDeps) {}

  async upsert(input: UpsertProviderInput): Promise<CatalogProvider> {
    const id = input.id.trim();
    if (!PROVIDER_ID.test(id)) throw new AppError("BAD_USER_INPUT", "provider id must be 1-32 lower-case letters, digits, '_' or '-'");
    if (!KINDS.includes(input.kind)) throw new AppError("BAD_USER_INPUT", `unknown provider kind ${String(input.kind)}`);
    if (input.kind === "LOCAL" && id !== "local") throw new AppError("BAD_USER_INPUT", "only the built-in `local` provider has kind LOCAL");
    if (isProviderId(id) && DEFAULT_PROVIDER_KINDS[id] !== input.kind) {
      throw new AppError("BAD_USER_INPUT", `provider ${id} has kind ${DEFAULT_PROVIDER_KINDS[id]}`);
    }
    const baseUrl = validateBaseUrl(input.baseUrl);
    const existing = this.deps.providers.get(id);
    if (input.kind === "OPENAI_COMPATIBLE" && !isProviderId(id) && !baseUrl && !existing?.baseUrl) {
      throw new AppError("BAD_USER_INPUT", "an OPENAI_COMPATIBLE provider needs a baseUrl (what its OpenAI SDK takes, e.g. http://host:8000/v1)");
    }
    const apiKeyCiphertext = input.apiKey === undefined ? undefined : input.apiKey === null || input.apiKey === "" ? null : this.deps.secrets.encrypt(input.apiKey);
    const effectiveKey = input.apiKey === undefined ? (existing?.apiKey ?? null) : input.apiKey || null;
    const models = await this.modelsFor(id, input, baseUrl ?? existing?.baseUrl ?? null, effectiveKey);
    const row = {
      id,
      kind: input.kind,
      name: input.name ? validateName(input.name, "name") : (existing?.name ?? id),
      baseUrl: baseUrl ?? (input.baseUrl === null ? null : undefined),
      enabled: input.enabled ?? existing?.enabled ?? true,
      ...(apiKeyCiphertext === undefined ? {} : { apiKeyCiphertext }),
      ...(models === undefined ? {} : { models }),
      updatedAt: new Date(),
    };
    await this.deps.database.db.insert(providersTable).values(row).onConflictDoUpdate({ target: providersTable.id, set: row });
    await this.deps.changes.applied("providers");
    return this.current(id);
  }

  /** Enables or disables a provider (environment providers get an overriding row). */
  async setEnabled(id: string, enabled: boolean): Promise<CatalogProvider> {
    const entry = this.deps.providers.get(id);
    if (!entry) throw new AppError("NOT_FOUND", `No provider ${id}.`);
    await this.deps.database.db
      .insert(providersTable)
      .values({ id, kind: entry.kind, name: entry.name, enabled, updatedAt: new Date() })
      .onConflictDoUpdate({ target: providersTable.id, set: { enabled, updatedAt: new Date() } });
    await this.deps.changes.applied("providers");
    return this.current(id);
  }

  private current(id: string): CatalogProvider {
    const provider = this.deps.catalog.provider(id);
    if (!provider) throw new AppError("INTERNAL_SERVER_ERROR", "provider was written but is not loaded");
    return provider;
  }

  /** Listed models, or for OPENAI_COMPATIBLE without a list, the upstream's GET /models. undefined: leave as stored. */
  private async modelsFor(id: string, input: UpsertProviderInput, baseUrl: string | null, apiKey: string | null): Promise<ProviderModelEntry[] | undefined> {
    if (input.models) {
      const names = [...new Set(input.models.map((name) => name.trim()).filter((name) => name.length > 0))];
      if (names.length > MAX_MODELS) throw new AppError("BAD_USER_INPUT", `at most ${MAX_MODELS} models`);
      return names.map((name) => ({ name }));
    }
    if (input.kind !== "OPENAI_COMPATIBLE" || isProviderId(id)) return undefined;
    const adapter = createProviderAdapter({ id, kind: input.kind, baseUrl, apiKey });
    const signal = AbortSignal.timeout(this.deps.discoveryTimeoutMs ?? 10_000);
    try {
      const names = (await adapter.listModels?.(signal)) ?? [];
      return names.slice(0, MAX_MODELS).map((name) => ({ name }));
    } catch (error) {
      throw new AppError("BAD_USER_INPUT", `Could not list the models of ${baseUrl}: ${error instanceof Error ? error.message : String(error)}. Pass \`models\` explicitly.`);
    } finally {
      await adapter.close?.();
    }
  }
}

function validateBaseUrl(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new AppError("BAD_USER_INPUT", "baseUrl must be an http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new AppError("BAD_USER_INPUT", "baseUrl must be an http(s) URL");
  if (url.username || url.password) throw new AppError("BAD_USER_INPUT", "put credentials in apiKey, not in baseUrl");
  return value.trim().replace(/\/+$/, "");
}
