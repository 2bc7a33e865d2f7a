import { pgTable, text } from "drizzle-orm/pg-core";
import { timestampTz } from "./columns.js";

/** Gateway instances heartbeat here; RUNNING requests of an instance unseen for 30 s become INTERRUPTED. */
export const instances = pgTable("instances", {
  id: text("id").primaryKey(),
  startedAt: timestampTz("started_at").notNull().defaultNow(),
  lastSeenAt: timestampTz("last_seen_at").notNull().defaultNow(),
});

export type InstanceRow = typeof instances.$inferSelect;
