import { boolean, integer, pgTable, text } from "drizzle-orm/pg-core";
import { pricePerMTok, updatedAt } from "./columns.js";

/**
 * Admin overrides of the seeded catalog, per `provider/model` id. A null column means
 * "no override, use the catalog"; `enabled` null likewise keeps the catalog state.
 * `hasPricing` distinguishes "price override set" from "no price override".
 */
export const modelOverrides = pgTable("model_overrides", {
  modelId: text("model_id").primaryKey(),
  enabled: boolean("enabled"),
  hasPricing: boolean("has_pricing").notNull().default(false),
  inputPerMTok: pricePerMTok("input_per_mtok"),
  outputPerMTok: pricePerMTok("output_per_mtok"),
  cachedInputPerMTok: pricePerMTok("cached_input_per_mtok"),
  cacheWritePerMTok: pricePerMTok("cache_write_per_mtok"),
  contextWindow: integer("context_window"),
  maxOutputTokens: integer("max_output_tokens"),
  updatedAt: updatedAt(),
});

export type ModelOverrideRow = typeof modelOverrides.$inferSelect;
export type NewModelOverrideRow = typeof modelOverrides.$inferInsert;
