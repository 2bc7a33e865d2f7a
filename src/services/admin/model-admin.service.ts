import type { CatalogModel } from "../../core/model/catalog.js";
import { AppError } from "../../core/model/errors.js";
import type { Database } from "../../db/client.js";
import { modelOverrides } from "../../db/schema/index.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import type { ConfigChanges } from "./config-changes.js";
import { validatePrice } from "./admin-validation.js";

export interface ModelPricingInputValue {
  inputPerMTok: number;
  outputPerMTok: number;
  cachedInputPerMTok?: number | null;
  cacheWritePerMTok?: number | null;
}

export interface ModelAdminDeps {
  database: Database;
  catalog: CatalogService;
  changes: ConfigChanges;
}

/** Model overrides (`model_overrides`): state and price. A price override has source `override`. */
export class ModelAdminService {
  constructor(private readonly deps: ModelAdminDeps) {}

  async setEnabled(id: string, enabled: boolean): Promise<CatalogModel> {
    this.known(id);
    await this.deps.database.db
      .insert(modelOverrides)
      .values({ modelId: id, enabled })
      .onConflictDoUpdate({ target: modelOverrides.modelId, set: { enabled, updatedAt: new Date() } });
    return this.applied(id);
  }

  /** Sets a price override, or with null removes it (the catalog price applies again). */
  async setPricing(id: string, pricing: ModelPricingInputValue | null): Promise<CatalogModel> {
    this.known(id);
    const values = pricing
      ? {
          hasPricing: true,
          inputPerMTok: validatePrice(pricing.inputPerMTok, "inputPerMTok"),
          outputPerMTok: validatePrice(pricing.outputPerMTok, "outputPerMTok"),
          cachedInputPerMTok: validatePrice(pricing.cachedInputPerMTok, "cachedInputPerMTok"),
          cacheWritePerMTok: validatePrice(pricing.cacheWritePerMTok, "cacheWritePerMTok"),
        }
      : { hasPricing: false, inputPerMTok: null, outputPerMTok: null, cachedInputPerMTok: null, cacheWritePerMTok: null };
    await this.deps.database.db
      .insert(modelOverrides)
      .values({ modelId: id, ...values })
      .onConflictDoUpdate({ target: modelOverrides.modelId, set: { ...values, updatedAt: new Date() } });
    return this.applied(id);
  }

  private known(id: string): void {
    if (!this.deps.catalog.model(id)) throw new AppError("NOT_FOUND", `No model ${id}.`);
  }

  private async applied(id: string): Promise<CatalogModel> {
    await this.deps.changes.applied("models");
    const model = this.deps.catalog.model(id);
    if (!model) throw new AppError("NOT_FOUND", `No model ${id}.`);
    return model;
  }
}
