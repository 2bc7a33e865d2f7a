import { and, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { completionRequests, type CompletionRequestRow, type RequestStatusValue } from "../../db/schema/index.js";
import { decodeTimeCursor, pageSize, timeCursor, toPage, type Page, type PageArgs, type Viewer } from "./page.js";

export interface CompletionRequestFilter {
  status?: RequestStatusValue | null;
  /** Matches the served model (provider/model) or, for requests not served yet, the requested one. */
  model?: string | null;
  providerId?: string | null;
  conversationId?: string | null;
  /** ADMIN only: one key's requests (APP keys always see only their own). */
  apiKeyId?: string | null;
  /** Inclusive lower bound of createdAt. */
  from?: Date | null;
  /** Exclusive upper bound of createdAt. */
  to?: Date | null;
}

const CURSOR_TAG = "req";

/** The filter as SQL conditions, scoped to the viewer's own rows for APP keys. Shared with usage. */
export function requestConditions(viewer: Viewer, filter: CompletionRequestFilter = {}): SQL[] {
  const table = completionRequests;
  const conditions: SQL[] = [];
  if (viewer.role !== "ADMIN") conditions.push(eq(table.apiKeyId, viewer.keyId));
  else if (filter.apiKeyId) conditions.push(eq(table.apiKeyId, filter.apiKeyId));
  if (filter.status) conditions.push(eq(table.status, filter.status));
  if (filter.model) {
    const served = or(eq(table.servedModel, filter.model), and(sql`${table.servedModel} is null`, eq(table.requestedModel, filter.model)));
    if (served) conditions.push(served);
  }
  if (filter.providerId) conditions.push(eq(table.providerId, filter.providerId));
  if (filter.conversationId) conditions.push(eq(table.conversationId, filter.conversationId));
  if (filter.from) conditions.push(gte(table.createdAt, filter.from));
  if (filter.to) conditions.push(lt(table.createdAt, filter.to));
  return conditions;
}

/** Reads the completion_requests rows the CompletionService writes. */
export class CompletionRequestService {
  constructor(private readonly database: Database) {}

  /** Newest first, cursor-paginated. */
  async list(viewer: Viewer, filter: CompletionRequestFilter = {}, args: PageArgs = {}): Promise<Page<CompletionRequestRow>> {
    const limit = pageSize(args.first);
    const table = completionRequests;
    const conditions = requestConditions(viewer, filter);
    const pageConditions = [...conditions];
    if (args.after) {
      const cursor = decodeTimeCursor(CURSOR_TAG, args.after);
      const before = or(lt(table.createdAt, cursor.createdAt), and(eq(table.createdAt, cursor.createdAt), lt(table.id, cursor.id)));
      if (before) pageConditions.push(before);
    }
    const { db } = this.database;
    const [rows, totals] = await Promise.all([
      db.select().from(table).where(and(...pageConditions)).orderBy(desc(table.createdAt), desc(table.id)).limit(limit + 1),
      db.select({ total: count() }).from(table).where(and(...conditions)),
    ]);
    return toPage(rows, limit, totals[0]?.total ?? 0, (row) => timeCursor(CURSOR_TAG, row.createdAt, row.id), (row) => row);
  }

  /** One query per batch; aligned with `ids`; null for unknown ids and for other keys' rows (APP keys). */
  async byIds(viewer: Viewer, ids: readonly string[]): Promise<(CompletionRequestRow | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const rows = await this.database.db
      .select()
      .from(completionRequests)
      .where(and(inArray(completionRequests.id, valid), ...requestConditions(viewer)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs cannot exist (and would make Postgres reject the whole batch). */
export function isUuid(id: string): boolean {
  return UUID_PATTERN.test(id);
}
