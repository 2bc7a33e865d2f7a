import "reflect-metadata";
import { registerEnumType } from "type-graphql";

/**
 * The enums of SPEC §3 / §8 "Fixed shapes". Values are the GraphQL names; the TypeScript string
 * unions of core/model use the same spelling, so no mapping table is needed between them.
 */

export enum ProviderKind {
  OPENAI = "OPENAI",
  ANTHROPIC = "ANTHROPIC",
  GEMINI = "GEMINI",
  OPENAI_COMPATIBLE = "OPENAI_COMPATIBLE",
  LOCAL = "LOCAL",
}

export enum ModelCapability {
  STREAMING = "STREAMING",
  TOOLS = "TOOLS",
  VISION = "VISION",
  JSON_OUTPUT = "JSON_OUTPUT",
  REASONING = "REASONING",
  LONG_CONTEXT = "LONG_CONTEXT",
}

export enum RoutingStrategy {
  FALLBACK = "FALLBACK",
  WEIGHTED = "WEIGHTED",
  CHEAPEST = "CHEAPEST",
  FASTEST = "FASTEST",
  AUTO = "AUTO",
}

export enum MessageRole {
  SYSTEM = "SYSTEM",
  USER = "USER",
  ASSISTANT = "ASSISTANT",
  TOOL = "TOOL",
}

export enum RequestStatus {
  RUNNING = "RUNNING",
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  ABORTED = "ABORTED",
  INTERRUPTED = "INTERRUPTED",
}

export enum ApiKeyRole {
  ADMIN = "ADMIN",
  APP = "APP",
}

export enum BudgetPeriod {
  DAY = "DAY",
  MONTH = "MONTH",
  TOTAL = "TOTAL",
}

export enum UsageGroupBy {
  DAY = "DAY",
  MODEL = "MODEL",
  PROVIDER = "PROVIDER",
  API_KEY = "API_KEY",
}

export enum UsageSource {
  REPORTED = "REPORTED",
  ESTIMATED = "ESTIMATED",
}

export enum CircuitState {
  CLOSED = "CLOSED",
  OPEN = "OPEN",
  HALF_OPEN = "HALF_OPEN",
}

export enum HealthStatus {
  HEALTHY = "HEALTHY",
  DEGRADED = "DEGRADED",
  DOWN = "DOWN",
}

/** Outcome of one upstream attempt in a request's decision trail. */
export enum AttemptStatus {
  SUCCEEDED = "SUCCEEDED",
  FAILED = "FAILED",
  ABORTED = "ABORTED",
  SKIPPED = "SKIPPED",
}

registerEnumType(ProviderKind, { name: "ProviderKind", description: "The wire protocol family of a provider." });
registerEnumType(ModelCapability, { name: "ModelCapability" });
registerEnumType(RoutingStrategy, { name: "RoutingStrategy" });
registerEnumType(MessageRole, { name: "MessageRole" });
registerEnumType(RequestStatus, { name: "RequestStatus" });
registerEnumType(ApiKeyRole, { name: "ApiKeyRole" });
registerEnumType(BudgetPeriod, { name: "BudgetPeriod", description: "UTC calendar periods; TOTAL never resets." });
registerEnumType(UsageGroupBy, { name: "UsageGroupBy" });
registerEnumType(UsageSource, { name: "UsageSource" });
registerEnumType(CircuitState, { name: "CircuitState" });
registerEnumType(HealthStatus, { name: "HealthStatus" });
registerEnumType(AttemptStatus, { name: "AttemptStatus" });
