import type { ServerResponse } from "node:http";
import type { CatalogModel } from "../../core/model/catalog.js";
import type { Cost } from "../../core/pricing/cost.js";

/** `x-switchyard-*` headers of a completion response (cost only on non-stream responses). */
export function completionHeaders(completionId: string, model: CatalogModel | null, cost?: Cost | null): Record<string, string> {
  const headers: Record<string, string> = { "x-switchyard-request-id": completionId };
  if (model) {
    headers["x-switchyard-provider"] = model.providerId;
    headers["x-switchyard-model"] = model.id;
  }
  if (cost) headers["x-switchyard-cost-usd"] = cost.totalUsd;
  return headers;
}

/** The same headers as completionHeaders, set on the response without an intermediate object. */
export function setCompletionHeaders(response: ServerResponse, completionId: string, model: CatalogModel | null, cost?: Cost | null): void {
  response.setHeader("x-switchyard-request-id", completionId);
  if (model) {
    response.setHeader("x-switchyard-provider", model.providerId);
    response.setHeader("x-switchyard-model", model.id);
  }
  if (cost) response.setHeader("x-switchyard-cost-usd", cost.totalUsd);
}

/** USD as a JSON number for display (`usage.cost`); the exact decimal is in the header and the request row. */
export function costNumber(cost: Cost | null): number | null {
  return cost ? Number(cost.totalUsd) : null;
}
