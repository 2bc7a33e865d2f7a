import { boolean, integer, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, updatedAt } from "./columns.js";

export type RoutingStrategyValue = "FALLBACK" | "WEIGHTED" | "CHEAPEST" | "FASTEST" | "AUTO";

export interface RouteTargetValue {
  model: string;
  weight?: number | null;
  priority?: number | null;
}

/** Route constraints as stored; validated by the routes service before they are written. */
export type RouteConstraintsValue = Record<string, unknown>;

export const routes = pgTable("routes", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull().unique(),
  strategy: text("strategy").$type<RoutingStrategyValue>().notNull(),
  targets: jsonb("targets").$type<RouteTargetValue[]>().notNull().default([]),
  constraints: jsonb("constraints").$type<RouteConstraintsValue>(),
  maxAttempts: integer("max_attempts"),
  timeoutMs: integer("timeout_ms"),
  firstTokenTimeoutMs: integer("first_token_timeout_ms"),
  maxRetryAfterMs: integer("max_retry_after_ms").notNull().default(2000),
  enabled: boolean("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type RouteRow = typeof routes.$inferSelect;
export type NewRouteRow = typeof routes.$inferInsert;
