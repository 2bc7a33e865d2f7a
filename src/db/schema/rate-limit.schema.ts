import { bigint, pgTable, text } from "drizzle-orm/pg-core";
import { timestampTz } from "./columns.js";

/**
 * Fixed-window counters for per-key requests and tokens per minute (`key`, `points`, `expire`: the
 * shape and window rule of rate-limiter-flexible's stores), written by the admission statement and
 * the rate-limit leases. Shared by every instance on the database; Redis replaces it when REDIS_URL is set.
 */
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  points: bigint("points", { mode: "number" }).notNull().default(0),
  expire: timestampTz("expire"),
});

export type RateLimitRow = typeof rateLimits.$inferSelect;
