import { numeric, timestamp } from "drizzle-orm/pg-core";

/**
 * Shared column helpers. Money is `numeric` read as a decimal string (never a binary float),
 * timestamps are timezone-aware and read as Date.
 */

/** USD amount with 12 decimal places: enough for per-token prices of cheap models. */
export const usd = (name: string) => numeric(name, { precision: 20, scale: 12, mode: "string" });

/** USD per million tokens (a catalog or override price). */
export const pricePerMTok = (name: string) => numeric(name, { precision: 20, scale: 9, mode: "string" });

export const timestampTz = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const createdAt = () => timestampTz("created_at").notNull().defaultNow();
export const updatedAt = () =>
  timestampTz("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
