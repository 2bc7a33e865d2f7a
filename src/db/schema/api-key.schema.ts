import { integer, pgTable, text, uuid, index } from "drizzle-orm/pg-core";
import { createdAt, timestampTz, usd } from "./columns.js";

export type ApiKeyRoleValue = "ADMIN" | "APP";
export type BudgetPeriodValue = "DAY" | "MONTH" | "TOTAL";

/**
 * Gateway keys. Only the sha256 of the secret is stored (the secret is high-entropy, so a
 * slow password hash adds nothing). `allowedModels` null means every model and route.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    secretHash: text("secret_hash").notNull().unique(),
    role: text("role").$type<ApiKeyRoleValue>().notNull(),
    allowedModels: text("allowed_models").array(),
    budgetLimitUsd: usd("budget_limit_usd"),
    budgetPeriod: text("budget_period").$type<BudgetPeriodValue>(),
    requestsPerMinute: integer("requests_per_minute"),
    tokensPerMinute: integer("tokens_per_minute"),
    createdAt: createdAt(),
    lastUsedAt: timestampTz("last_used_at"),
    revokedAt: timestampTz("revoked_at"),
  },
  (table) => [index("api_keys_role_idx").on(table.role)],
);

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKeyRow = typeof apiKeys.$inferInsert;
