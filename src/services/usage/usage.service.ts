import { and, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { completionRequests } from "../../db/schema/index.js";
import { requestConditions, type CompletionRequestFilter } from "../requests/completion-request.service.js";
import { asInt, type Viewer } from "../requests/page.js";

export type UsageGroupByValue = "DAY" | "MODEL" | "PROVIDER" | "API_KEY";

/** Requests, tokens and cost of one group. Money stays a decimal string (summed as numeric in SQL). */
export interface UsageBucket {
  /** DAY: `YYYY-MM-DD` (UTC); MODEL: provider/model (the requested target when never served); PROVIDER: id; API_KEY: key id. */
  key: string;
  requests: number;
  succeeded: number;
  failed: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  costUsd: string;
  /** Requests that consumed tokens on a model without a price (their cost is not in costUsd). */
  unpricedRequests: number;
}

export interface UsageReport {
  groupBy: UsageGroupByValue;
  buckets: UsageBucket[];
  total: UsageBucket;
}

function groupExpression(groupBy: UsageGroupByValue): SQL<string> {
  const table = completionRequests;
  switch (groupBy) {
    case "DAY":
      return sql<string>`to_char(${table.createdAt} at time zone 'UTC', 'YYYY-MM-DD')`;
    case "MODEL":
      return sql<string>`coalesce(${table.servedModel}, ${table.requestedModel})`;
    case "PROVIDER":
      return sql<string>`coalesce(${table.providerId}, '')`;
    case "API_KEY":
      return sql<string>`${table.apiKeyId}::text`;
  }
}

/** The aggregate columns; `sum(numeric)` stays numeric and is read as text, never as a float. */
function aggregates() {
  const table = completionRequests;
  return {
    requests: sql<number>`count(*)`.mapWith(asInt),
    succeeded: sql<number>`count(*) filter (where ${table.status} = 'SUCCEEDED')`.mapWith(asInt),
    failed: sql<number>`count(*) filter (where ${table.status} = 'FAILED')`.mapWith(asInt),
    inputTokens: sql<number>`coalesce(sum(${table.inputTokens}), 0)`.mapWith(asInt),
    outputTokens: sql<number>`coalesce(sum(${table.outputTokens}), 0)`.mapWith(asInt),
    cachedInputTokens: sql<number>`coalesce(sum(${table.cachedInputTokens}), 0)`.mapWith(asInt),
    reasoningTokens: sql<number>`coalesce(sum(${table.reasoningTokens}), 0)`.mapWith(asInt),
    costUsd: sql<string>`coalesce(sum(${table.costUsd}), 0)::text`.mapWith(String),
    unpricedRequests: sql<number>`count(*) filter (where ${table.unpriced})`.mapWith(asInt),
  };
}

/** Usage aggregated in SQL over the completion_requests rows the viewer may see. */
export class UsageService {
  constructor(private readonly database: Database) {}

  async report(viewer: Viewer, filter: CompletionRequestFilter = {}, groupBy: UsageGroupByValue = "DAY"): Promise<UsageReport> {
    const table = completionRequests;
    const where = and(...requestConditions(viewer, filter));
    const key = groupExpression(groupBy);
    const { db } = this.database;
    const [buckets, totals] = await Promise.all([
      db.select({ key: key.mapWith(String), ...aggregates() }).from(table).where(where).groupBy(key).orderBy(key),
      db.select(aggregates()).from(table).where(where),
    ]);
    const total = totals[0];
    return {
      groupBy,
      buckets,
      total: total ? { key: "TOTAL", ...total } : { key: "TOTAL", requests: 0, succeeded: 0, failed: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, reasoningTokens: 0, costUsd: "0", unpricedRequests: 0 },
    };
  }
}
