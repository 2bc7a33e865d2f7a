import { sql } from "drizzle-orm";
import { index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { apiKeys } from "./api-key.schema.js";
import { createdAt, timestampTz, usd } from "./columns.js";

/**
 * The budget ledger. One row per key and period (`period_start` is the UTC start of the DAY or
 * MONTH, or the epoch for TOTAL). `reserved_usd` holds open reservations so concurrent requests
 * cannot overspend: admission checks limit - spent - reserved inside one UPDATE.
 */
export const budgetPeriods = pgTable(
  "budget_periods",
  {
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    periodStart: timestampTz("period_start").notNull(),
    spentUsd: usd("spent_usd").notNull().default("0"),
    reservedUsd: usd("reserved_usd").notNull().default("0"),
  },
  (table) => [primaryKey({ columns: [table.apiKeyId, table.periodStart] })],
);

/** One reservation per admitted request; settled (actual cost known) or released at the end. */
export const budgetReservations = pgTable(
  "budget_reservations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    apiKeyId: uuid("api_key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    periodStart: timestampTz("period_start").notNull(),
    requestId: text("request_id"),
    amountUsd: usd("amount_usd").notNull(),
    createdAt: createdAt(),
    settledAt: timestampTz("settled_at"),
    actualUsd: usd("actual_usd"),
  },
  (table) => [
    index("budget_reservations_key_period_idx").on(table.apiKeyId, table.periodStart),
    // Open reservations are swept when their request died with its instance.
    index("budget_reservations_open_idx").on(table.createdAt).where(sql`${table.settledAt} is null`),
  ],
);

export type BudgetPeriodRow = typeof budgetPeriods.$inferSelect;
export type BudgetReservationRow = typeof budgetReservations.$inferSelect;
