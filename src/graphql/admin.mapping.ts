import { AppError, type RouteDefinition } from "../core/model/index.js";
import type { AdminServices } from "../services/admin/admin-services.js";
import type { ApiKeyView } from "../services/admin/api-key-admin.service.js";
import type { ApiKey } from "./api-key.type.js";
import type { GraphQLContext } from "./context.js";
import type { Route } from "./route.type.js";

/** The admin services of the context, for an ADMIN caller only (APP keys: FORBIDDEN). */
export function adminServices(context: GraphQLContext, options: { adminOnly: boolean } = { adminOnly: true }): AdminServices {
  if (options.adminOnly && context.principal.role !== "ADMIN") throw new AppError("FORBIDDEN", "This operation needs an ADMIN key.");
  const admin = context.services.admin;
  if (!admin) throw new AppError("INTERNAL_SERVER_ERROR", "admin services are not configured");
  return admin;
}

export function toApiKey(view: ApiKeyView): ApiKey {
  return {
    id: view.id,
    name: view.name,
    prefix: view.prefix,
    role: view.role,
    allowedModels: view.allowedModels,
    budget: view.budget
      ? {
          limitUsd: Number(view.budget.limitUsd),
          period: view.budget.period,
          spentUsd: Number(view.budget.spentUsd),
          reservedUsd: Number(view.budget.reservedUsd),
          resetsAt: view.budget.resetsAt,
        }
      : null,
    requestsPerMinute: view.requestsPerMinute,
    tokensPerMinute: view.tokensPerMinute,
    createdAt: view.createdAt,
    lastUsedAt: view.lastUsedAt,
    revokedAt: view.revokedAt,
  };
}

export function toRoute(route: RouteDefinition): Route {
  const constraints = route.constraints;
  const hasConstraints = Object.values(constraints).some((value) => value !== undefined);
  return {
    id: route.id,
    name: route.name,
    strategy: route.strategy,
    targets: route.targets.map((target) => ({ model: target.model, weight: target.weight, priority: target.priority })),
    constraints: hasConstraints
      ? {
          requiredCapabilities: constraints.requiredCapabilities ?? null,
          maxInputPricePerMTok: constraints.maxInputPricePerMTok ?? null,
          maxOutputPricePerMTok: null,
          minContextWindow: constraints.minContextWindow ?? null,
        }
      : null,
    maxAttempts: route.maxAttempts,
    timeoutMs: route.timeoutMs,
    firstTokenTimeoutMs: route.firstTokenTimeoutMs,
    maxRetryAfterMs: route.maxRetryAfterMs,
    enabled: route.enabled,
    updatedAt: route.updatedAt,
  };
}
