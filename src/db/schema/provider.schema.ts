import { boolean, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import type { ProviderKind } from "../../core/model/catalog.js";
import { createdAt, updatedAt } from "./columns.js";

/** A model listed for an OPENAI_COMPATIBLE provider (its upstream name and optional metadata). */
export interface ProviderModelEntry {
  name: string;
  contextWindow?: number | null;
  maxOutputTokens?: number | null;
}

/**
 * Providers configured at run time (admin `upsertProvider`) or overriding an environment provider.
 * The credential is stored only as AES-GCM ciphertext (services/secrets), never in clear.
 */
export const providers = pgTable("providers", {
  id: text("id").primaryKey(),
  kind: text("kind").$type<ProviderKind>().notNull(),
  name: text("name").notNull(),
  baseUrl: text("base_url"),
  apiKeyCiphertext: text("api_key_ciphertext"),
  models: jsonb("models").$type<ProviderModelEntry[]>(),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type ProviderRow = typeof providers.$inferSelect;
export type NewProviderRow = typeof providers.$inferInsert;
