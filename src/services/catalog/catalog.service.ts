/**
 * In-memory model catalog: the seed joined with configured providers, admin overrides and models
 * discovered at run time. Effective models are materialised on every mutation, so reads are Map
 * lookups and never do work that grows with the catalog.
 */
import type { CatalogModel, CatalogProvider, ModelCapability, ModelPricing } from "../../core/model/index.js";
import type { SeedCatalog, SeedModelMeta } from "./catalog-seed.js";

export interface ModelOverride {
  modelId: string;
  /** undefined: leave as is; null: clear this field of the override. */
  enabled?: boolean | null;
  pricing?: Omit<ModelPricing, "source"> | null;
  contextWindow?: number | null;
  maxOutputTokens?: number | null;
}
export type OverrideField = "enabled" | "pricing" | "contextWindow" | "maxOutputTokens";

export interface ModelFilter {
  providerId?: string;
  capability?: ModelCapability;
  /** Unpriced models never pass: an unknown price cannot be shown to be under the limit. */
  maxInputPricePerMTok?: number;
  /** Models with an unknown context window never pass. */
  minContextWindow?: number;
  enabled?: boolean;
}

export interface CatalogServiceOptions {
  seed: SeedCatalog;
  providers: CatalogProvider[];
  overrides?: ModelOverride[];
}

type StoredOverride = Omit<ModelOverride, "modelId">;
const OVERRIDE_FIELDS: readonly OverrideField[] = ["enabled", "pricing", "contextWindow", "maxOutputTokens"];
const DATE_SUFFIX = /-(\d{8}|\d{4}-\d{2}-\d{2})$/;

export class CatalogService {
  readonly version: string;
  private readonly providerMap = new Map<string, CatalogProvider>();
  /** Seed or discovered models, before overrides and provider state. */
  private readonly base = new Map<string, CatalogModel>();
  private readonly effective = new Map<string, CatalogModel>();
  private readonly byProvider = new Map<string, Set<string>>();
  /** Bare name (canonical or alias, lower-case) → model ids serving it. */
  private readonly byName = new Map<string, Set<string>>();
  private readonly overrides = new Map<string, StoredOverride>();
  private readonly meta: Readonly<Record<string, SeedModelMeta>>;
  private readonly seedIds: ReadonlySet<string>;

  constructor(options: CatalogServiceOptions) {
    this.version = options.seed.version;
    this.meta = options.seed.meta ?? {};
    for (const p of options.providers) this.providerMap.set(p.id, Object.freeze({ ...p }));
    this.seedIds = new Set(options.seed.models.map((m) => m.id));
    for (const o of options.overrides ?? []) this.mergeOverride(o);
    for (const m of options.seed.models) this.insertBase(m, this.meta[m.id]?.aliases ?? []);
  }

  providers(): readonly CatalogProvider[] {
    return [...this.providerMap.values()];
  }

  provider(id: string): CatalogProvider | null {
    return this.providerMap.get(id) ?? null;
  }

  models(filter: ModelFilter = {}): CatalogModel[] {
    const ids = filter.providerId !== undefined ? (this.byProvider.get(filter.providerId) ?? []) : this.effective.keys();
    const out: CatalogModel[] = [];
    for (const id of ids) {
      const m = this.effective.get(id);
      if (m && matchesFilter(m, filter)) out.push(m);
    }
    return out;
  }

  /** Exact `provider/model` id; also accepts a provider-qualified alias or dated id of a catalog model. */
  model(id: string): CatalogModel | null {
    const exact = this.effective.get(id);
    if (exact) return exact;
    const slash = id.indexOf("/");
    if (slash < 0) return null;
    const providerId = id.slice(0, slash);
    return this.modelsByName(id.slice(slash + 1)).find((m) => m.providerId === providerId) ?? null;
  }

  /** All deployments serving a bare model name (aliases and dated snapshots included). */
  modelsByName(bareName: string): CatalogModel[] {
    const key = bareName.toLowerCase();
    const ids = this.byName.get(key) ?? this.byName.get(key.replace(DATE_SUFFIX, ""));
    if (!ids) return [];
    const out: CatalogModel[] = [];
    for (const id of ids) {
      const m = this.effective.get(id);
      if (m) out.push(m);
    }
    return out;
  }

  /** Batch lookup in input order (DataLoader contract); null for unknown ids. */
  modelsByIds(ids: readonly string[]): (CatalogModel | null)[] {
    return ids.map((id) => this.model(id));
  }

  /**
   * Merges an override (undefined fields untouched, null fields cleared). Overrides for models not
   * (yet) in the catalog are kept and take effect when the model is discovered.
   */
  applyOverride(o: ModelOverride): CatalogModel | null {
    this.mergeOverride(o);
    return this.refresh(o.modelId);
  }

  /** Removes a whole override, or one field of it. */
  removeOverride(modelId: string, field?: OverrideField): CatalogModel | null {
    const current = this.overrides.get(modelId);
    if (current) {
      if (field === undefined) this.overrides.delete(modelId);
      else {
        const next: StoredOverride = { ...current };
        delete next[field];
        if (OVERRIDE_FIELDS.some((f) => next[f] !== undefined)) this.overrides.set(modelId, next);
        else this.overrides.delete(modelId);
      }
    }
    return this.refresh(modelId);
  }

  override(modelId: string): ModelOverride | null {
    const o = this.overrides.get(modelId);
    return o ? { modelId, ...o } : null;
  }

  /** Adds or updates a provider; its models' enabled state follows at once. */
  setProvider(p: CatalogProvider): void {
    this.providerMap.set(p.id, Object.freeze({ ...p }));
    for (const id of this.byProvider.get(p.id) ?? []) this.refresh(id);
  }

  /**
   * Registers models discovered on a provider (OPENAI_COMPATIBLE, ollama) as `<providerId>/<name>`.
   * A name the seed knows (canonical, alias or dated id) inherits its price, limits and capabilities;
   * anything else is unpriced. Already known ids are left alone. Returns the models now registered.
   */
  addModels(providerId: string, names: readonly string[]): CatalogModel[] {
    const out: CatalogModel[] = [];
    for (const name of names) {
      const id = `${providerId}/${name}`;
      if (!this.base.has(id)) this.insertBase(this.discovered(providerId, name), []);
      const m = this.effective.get(id);
      if (m) out.push(m);
    }
    return out;
  }

  /**
   * Default model of a provider, derived from the data: among its enabled, priced models with TOOLS
   * that models.dev lists (first-party ids), prefer non-REASONING ones (latency), then the lowest
   * input+output price, then the newest release, then the id. Falls back to the cheapest enabled
   * priced model, then to any enabled model. Null when the provider has no enabled model.
   */
  defaultModelFor(providerId: string): CatalogModel | null {
    const enabled = this.models({ providerId, enabled: true });
    const tools = enabled.filter((m) => m.pricing !== null && m.capabilities.includes("TOOLS"));
    const listed = tools.filter((m) => this.meta[m.id]?.listed === true);
    const pool = listed.length > 0 ? listed : tools.length > 0 ? tools : enabled;
    return [...pool].sort((a, b) => this.compareForDefault(a, b))[0] ?? null;
  }

  private compareForDefault(a: CatalogModel, b: CatalogModel): number {
    const reasoning = Number(a.capabilities.includes("REASONING")) - Number(b.capabilities.includes("REASONING"));
    if (reasoning !== 0) return reasoning;
    const price = (m: CatalogModel): number =>
      m.pricing ? m.pricing.inputPerMTok + m.pricing.outputPerMTok : Number.POSITIVE_INFINITY;
    if (price(a) !== price(b)) return price(a) - price(b);
    const released = (this.meta[b.id]?.releasedAt ?? "").localeCompare(this.meta[a.id]?.releasedAt ?? "");
    return released !== 0 ? released : a.id.localeCompare(b.id);
  }

  private discovered(providerId: string, name: string): CatalogModel {
    // Only seed data counts as "the data knows the name", not another provider's discovered entry.
    const known = this.modelsByName(name).find((m) => !m.local && this.seedIds.has(m.id));
    const source = known ? this.base.get(known.id) : undefined;
    return {
      id: `${providerId}/${name}`,
      providerId,
      name,
      displayName: source?.displayName ?? name,
      contextWindow: source?.contextWindow ?? null,
      maxOutputTokens: source?.maxOutputTokens ?? null,
      pricing: source?.pricing ? { ...source.pricing } : null,
      capabilities: source ? [...source.capabilities] : ["STREAMING"],
      enabled: true,
    };
  }

  private insertBase(m: CatalogModel, aliases: readonly string[]): void {
    this.base.set(m.id, m);
    let ids = this.byProvider.get(m.providerId);
    if (!ids) this.byProvider.set(m.providerId, (ids = new Set()));
    ids.add(m.id);
    for (const n of [m.name, ...aliases]) {
      const key = n.toLowerCase();
      let set = this.byName.get(key);
      if (!set) this.byName.set(key, (set = new Set()));
      set.add(m.id);
    }
    this.refresh(m.id);
  }

  private mergeOverride(o: ModelOverride): void {
    const next: StoredOverride = { ...this.overrides.get(o.modelId) };
    for (const f of OVERRIDE_FIELDS) {
      const v = o[f];
      if (v === null) delete next[f];
      else if (v !== undefined) Object.assign(next, { [f]: v });
    }
    if (OVERRIDE_FIELDS.some((f) => next[f] !== undefined)) this.overrides.set(o.modelId, next);
    else this.overrides.delete(o.modelId);
  }

  private refresh(id: string): CatalogModel | null {
    const base = this.base.get(id);
    if (!base) return null;
    const o = this.overrides.get(id) ?? {};
    const provider = this.providerMap.get(base.providerId);
    const model: CatalogModel = {
      ...base,
      capabilities: [...base.capabilities],
      pricing: o.pricing ? { ...o.pricing, source: "override" } : base.pricing,
      contextWindow: o.contextWindow ?? base.contextWindow,
      maxOutputTokens: o.maxOutputTokens ?? base.maxOutputTokens,
      enabled: provider?.enabled === true && o.enabled !== false,
    };
    Object.freeze(model);
    this.effective.set(id, model);
    return model;
  }
}

function matchesFilter(m: CatalogModel, f: ModelFilter): boolean {
  if (f.enabled !== undefined && m.enabled !== f.enabled) return false;
  if (f.capability !== undefined && !m.capabilities.includes(f.capability)) return false;
  if (f.maxInputPricePerMTok !== undefined && (m.pricing === null || m.pricing.inputPerMTok > f.maxInputPricePerMTok)) {
    return false;
  }
  if (f.minContextWindow !== undefined && (m.contextWindow === null || m.contextWindow < f.minContextWindow)) {
    return false;
  }
  return true;
}
