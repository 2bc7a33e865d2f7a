import type { ChatRequest, ToolCall } from "../model/chat-request.js";
import type { CatalogModel } from "../model/catalog.js";
import type { AppError, GatewayError, GatewayErrorKind } from "../model/errors.js";
import type { RouteDefinition, RoutingStrategy } from "../model/route.js";
import type { FinishReason, StreamPart } from "../model/stream-part.js";
import type { Usage } from "../model/usage.js";
import type { Cost } from "../pricing/cost.js";
import type { PromptTokenEstimate } from "../tokens/token-estimator.js";
import type { Candidate, Exclusion } from "./candidate.js";
import type { RequestNeeds } from "./candidate-filter.js";

/** The synchronous routing decision; the services layer reserves budget between plan and execute. */
export interface RoutePlan {
  request: ChatRequest;
  /** The target as the caller gave it (`route:default` when empty). */
  requested: string;
  /** The resolved route; a synthetic FALLBACK route (`id: direct:<target>`) for directly addressed models. */
  route: RouteDefinition;
  routeName?: string;
  strategy: RoutingStrategy;
  /** Eligible candidates, first choice first. */
  candidates: Candidate[];
  exclusions: Exclusion[];
  promptTokens: PromptTokenEstimate;
  /** Requested max output, or the default reservation (for cost ranking and budget reservations). */
  expectedOutputTokens: number;
  needs: RequestNeeds;
  /** Why the first candidate leads. */
  reason: string;
  warnings: string[];
}

export type AttemptStatus = "SUCCEEDED" | "FAILED" | "ABORTED";

export interface AttemptRecord {
  attempt: number;
  provider: string;
  model: string;
  status: AttemptStatus;
  errorKind: GatewayErrorKind | null;
  errorMessage: string | null;
  httpStatus: number | null;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  startedAt: Date;
}

export interface DecisionTrail {
  requested: string;
  route?: string;
  strategy: RoutingStrategy;
  candidates: { model: string; eligible: boolean; reason: string }[];
  attempts: AttemptRecord[];
  reason: string;
  warnings: string[];
}

export type OutcomeStatus = "SUCCEEDED" | "FAILED" | "ABORTED";

export interface RouteOutcome {
  status: OutcomeStatus;
  /** The deployment of the last attempt (null when no attempt was made). */
  model: CatalogModel | null;
  usage: Usage | null;
  cost: Cost | null;
  /** True when usage exists but the model has no price. */
  unpriced: boolean;
  finishReason: FinishReason | null;
  rawFinishReason: string | null;
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  error?: GatewayError | AppError;
  latencyMs: number;
  timeToFirstTokenMs: number | null;
  trail: DecisionTrail;
}

export type RouterEvent =
  | { type: "route-decided"; attempt: number; model: CatalogModel; reason: string }
  | { type: "attempt-failed"; attempt: number; model: CatalogModel; error: GatewayError; willFailOver: boolean }
  | { type: "part"; part: StreamPart }
  | { type: "done"; outcome: RouteOutcome };

export interface ExecuteOptions {
  signal?: AbortSignal;
  stream: boolean;
}
