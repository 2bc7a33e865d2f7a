import type { ChatRequest } from "../model/chat-request.js";
import { hasImages } from "../model/chat-request.js";
import type { CatalogModel, ModelCapability } from "../model/catalog.js";
import type { RouteConstraints } from "../model/route.js";
import type { CircuitStore } from "../ports/stats-store.js";
import type { Candidate, Exclusion } from "./candidate.js";
import type { AllowFunction } from "./target-resolver.js";

/** What the request needs from a deployment, computed once per plan. */
export interface RequestNeeds {
  capabilities: ModelCapability[];
  /** JSON output requested: models without JSON_OUTPUT stay eligible and get emulation + a warning. */
  json: boolean;
  maxOutputTokens: number;
}

export function requestNeeds(request: ChatRequest, constraints: RouteConstraints): RequestNeeds {
  const capabilities: ModelCapability[] = constraints.requiredCapabilities ? [...constraints.requiredCapabilities] : [];
  if (request.tools && request.tools.length > 0 && request.toolChoice !== "none") capabilities.push("TOOLS");
  if (hasImages(request)) capabilities.push("VISION");
  const format = request.responseFormat?.type;
  return { capabilities, json: format === "json_object" || format === "json_schema", maxOutputTokens: request.maxOutputTokens ?? 0 };
}

export interface FilterContext {
  needs: RequestNeeds;
  constraints: RouteConstraints;
  circuits: CircuitStore;
  now: number;
  allow?: AllowFunction;
  routeName?: string;
  hasAdapter: (providerId: string) => boolean;
  /** Whether the prompt plus `maxOutputTokens` fits `contextWindow`; may tokenize lazily. */
  fits: (contextWindow: number) => boolean;
}

function constraintFailure(model: CatalogModel, constraints: RouteConstraints): string | null {
  if (constraints.providers && !constraints.providers.includes(model.providerId)) return `provider ${model.providerId} not in the route's providers`;
  if (constraints.minContextWindow !== undefined && (model.contextWindow ?? 0) < constraints.minContextWindow) {
    return `context window ${model.contextWindow ?? "unknown"} below the route's minimum ${constraints.minContextWindow}`;
  }
  if (constraints.maxInputPricePerMTok !== undefined) {
    if (!model.pricing) return "unpriced, the route caps the input price";
    if (model.pricing.inputPerMTok > constraints.maxInputPricePerMTok) return `input price ${model.pricing.inputPerMTok} above the route's ${constraints.maxInputPricePerMTok}`;
  }
  return null;
}

/** Why a candidate cannot serve the request, or null when it is eligible. Cheap checks first. */
/** Exclusion reason prefix of a deployment waiting out an upstream Retry-After. */
export const COOLING_DOWN = "rate limited upstream: cooling down";

export function exclusionReason(candidate: Candidate, context: FilterContext): string | null {
  const model = candidate.model;
  if (!model.enabled) return "disabled";
  if (context.allow && !context.allow(model.id, context.routeName)) return "not allowed for this key";
  for (const capability of context.needs.capabilities) {
    if (!model.capabilities.includes(capability)) return `lacks ${capability}`;
  }
  const constraint = constraintFailure(model, context.constraints);
  if (constraint) return constraint;
  if (!context.hasAdapter(model.providerId)) return `provider ${model.providerId} is not configured`;
  if (context.circuits.state(model.id, context.now) === "OPEN") return "circuit open";
  const coolingUntil = context.circuits.coolingUntil(model.id, context.now);
  if (coolingUntil !== null) return `${COOLING_DOWN} until ${new Date(coolingUntil).toISOString()}`;
  if (model.contextWindow !== null && !context.fits(model.contextWindow)) {
    return `context window ${model.contextWindow} too small for the prompt plus ${context.needs.maxOutputTokens} output tokens`;
  }
  return null;
}

/** Splits candidates into eligible (order kept) and exclusions with reasons. */
export function filterCandidates(candidates: Candidate[], context: FilterContext): { eligible: Candidate[]; exclusions: Exclusion[] } {
  const eligible: Candidate[] = [];
  const exclusions: Exclusion[] = [];
  for (const candidate of candidates) {
    const reason = exclusionReason(candidate, context);
    if (reason === null) eligible.push(candidate);
    else exclusions.push({ model: candidate.model, reason });
  }
  return { eligible, exclusions };
}
