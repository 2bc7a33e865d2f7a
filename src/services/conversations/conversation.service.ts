import { and, asc, count, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { AppError } from "../../core/model/errors.js";
import { executeRows, type Database } from "../../db/client.js";
import { completionRequests, conversations, messages, type ConversationRow, type MessageRoleValue, type MessageRow } from "../../db/schema/index.js";
import { isUuid } from "../requests/completion-request.service.js";
import { asDate, asInt, decodeCursor, decodeTimeCursor, encodeCursor, pageSize, timeCursor, toPage, type Page, type PageArgs, type Viewer } from "../requests/page.js";

export interface CreateConversationInput {
  title?: string | null;
  /** Default target of the conversation's turns: provider/model, a bare name, route:NAME or auto. */
  model?: string | null;
  systemPrompt?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface ConversationTotals {
  /** Input + output tokens over the conversation's requests. */
  totalTokens: number;
  /** Exact decimal string, summed as numeric in SQL. */
  totalCostUsd: string;
}

export interface NewMessage {
  role: MessageRoleValue;
  content: string;
  completionRequestId?: string | null;
}

const CONVERSATION_CURSOR = "conv";
const MESSAGE_CURSOR = "msg";

/** Conversations and their messages, owned by the API key that created them. */
export class ConversationService {
  constructor(private readonly database: Database) {}

  async create(viewer: Viewer, input: CreateConversationInput): Promise<ConversationRow> {
    const now = new Date();
    const [row] = await this.database.db
      .insert(conversations)
      .values({
        apiKeyId: viewer.keyId,
        title: input.title ?? null,
        model: input.model ?? null,
        systemPrompt: input.systemPrompt ?? null,
        metadata: input.metadata ?? null,
        // Millisecond timestamps from the app keep (createdAt, id) cursors exact across drivers.
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new AppError("INTERNAL_SERVER_ERROR", "conversation insert returned no row");
    return row;
  }

  /** Deletes one of the caller's conversations (messages cascade; requests keep their rows). False when absent. */
  async delete(viewer: Viewer, id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const deleted = await this.database.db
      .delete(conversations)
      .where(and(eq(conversations.id, id), eq(conversations.apiKeyId, viewer.keyId)))
      .returning({ id: conversations.id });
    return deleted.length > 0;
  }

  /** The caller's conversation, or NOT_FOUND (another key's conversation is indistinguishable from none). */
  async get(viewer: Viewer, id: string): Promise<ConversationRow> {
    const [row] = await this.byIds(viewer, [id]);
    if (!row) throw new AppError("NOT_FOUND", `conversation ${id} not found`);
    return row;
  }

  /** Batch lookup aligned with `ids`. Owners see their own; ADMIN keys see every conversation. */
  async byIds(viewer: Viewer, ids: readonly string[]): Promise<(ConversationRow | null)[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return ids.map(() => null);
    const conditions = [inArray(conversations.id, valid)];
    if (viewer.role !== "ADMIN") conditions.push(eq(conversations.apiKeyId, viewer.keyId));
    const rows = await this.database.db.select().from(conversations).where(and(...conditions));
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The caller's conversations, newest first. */
  async list(viewer: Viewer, args: PageArgs = {}): Promise<Page<ConversationRow>> {
    const limit = pageSize(args.first);
    const own = eq(conversations.apiKeyId, viewer.keyId);
    const pageConditions = [own];
    if (args.after) {
      const cursor = decodeTimeCursor(CONVERSATION_CURSOR, args.after);
      const before = or(lt(conversations.createdAt, cursor.createdAt), and(eq(conversations.createdAt, cursor.createdAt), lt(conversations.id, cursor.id)));
      if (before) pageConditions.push(before);
    }
    const { db } = this.database;
    const [rows, totals] = await Promise.all([
      db.select().from(conversations).where(and(...pageConditions)).orderBy(desc(conversations.createdAt), desc(conversations.id)).limit(limit + 1),
      db.select({ total: count() }).from(conversations).where(own),
    ]);
    return toPage(rows, limit, totals[0]?.total ?? 0, (row) => timeCursor(CONVERSATION_CURSOR, row.createdAt, row.id), (row) => row);
  }

  /** Token and cost totals per conversation, summed in SQL (one query per batch). */
  async totals(conversationIds: readonly string[]): Promise<ConversationTotals[]> {
    const valid = conversationIds.filter(isUuid);
    const rows = valid.length
      ? await this.database.db
          .select({
            conversationId: completionRequests.conversationId,
            totalTokens: sql<number>`coalesce(sum(${completionRequests.inputTokens} + ${completionRequests.outputTokens}), 0)`.mapWith(asInt),
            totalCostUsd: sql<string>`coalesce(sum(${completionRequests.costUsd}), 0)::text`.mapWith(String),
          })
          .from(completionRequests)
          .where(inArray(completionRequests.conversationId, valid))
          .groupBy(completionRequests.conversationId)
      : [];
    const byId = new Map(rows.map((row) => [row.conversationId, row]));
    return conversationIds.map((id) => byId.get(id) ?? { totalTokens: 0, totalCostUsd: "0" });
  }

  /**
   * One page of messages (oldest first) for each conversation, in one query for the whole batch:
   * a window function numbers each conversation's messages after the cursor and keeps `first + 1`.
   */
  async messagePages(conversationIds: readonly string[], args: PageArgs = {}): Promise<Page<MessageRow>[]> {
    const limit = pageSize(args.first);
    const afterSeq = args.after ? cursorSeq(args.after) : 0;
    const valid = conversationIds.filter(isUuid);
    const rows = valid.length === 0 ? [] : await this.windowedMessages(valid, afterSeq, limit + 1);
    const grouped = new Map<string, { rows: MessageRow[]; total: number }>();
    for (const row of rows) {
      const entry = grouped.get(row.message.conversationId) ?? { rows: [], total: row.total };
      entry.rows.push(row.message);
      grouped.set(row.message.conversationId, entry);
    }
    const totalsWithoutPage = await this.countMissing(valid.filter((id) => !grouped.has(id)));
    return conversationIds.map((id) => {
      const entry = grouped.get(id);
      const total = entry?.total ?? totalsWithoutPage.get(id) ?? 0;
      return toPage(entry?.rows ?? [], limit, total, (row) => encodeCursor(MESSAGE_CURSOR, [row.seq]), (row) => row);
    });
  }

  /** Every message of a conversation, oldest first (the history sent upstream). */
  async history(conversationId: string): Promise<MessageRow[]> {
    return this.database.db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.seq));
  }

  /** Appends messages in order and touches the conversation's updatedAt. */
  async append(conversationId: string, newMessages: NewMessage[]): Promise<MessageRow[]> {
    if (newMessages.length === 0) return [];
    const now = Date.now();
    const values = newMessages.map((message, index) => ({
      conversationId,
      role: message.role,
      content: message.content,
      completionRequestId: message.completionRequestId ?? null,
      createdAt: new Date(now + index),
    }));
    const { db } = this.database;
    const [rows] = await Promise.all([
      db.insert(messages).values(values).returning(),
      db.update(conversations).set({ updatedAt: new Date(now) }).where(eq(conversations.id, conversationId)),
    ]);
    return rows.sort((a, b) => a.seq - b.seq);
  }

  async messagesByIds(ids: readonly string[]): Promise<(MessageRow | null)[]> {
    const valid = ids.filter(isUuid);
    const rows = valid.length ? await this.database.db.select().from(messages).where(inArray(messages.id, valid)) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  private async windowedMessages(ids: string[], afterSeq: number, take: number): Promise<{ message: MessageRow; total: number }[]> {
    const idList = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
    const rows = await executeRows(
      this.database.db,
      sql`select * from (
            select t.*, row_number() over (partition by t.conversation_id order by t.seq) as position from (
              select m.*, count(*) over (partition by m.conversation_id) as total
              from messages m where m.conversation_id in (${idList})
            ) t where t.seq > ${afterSeq}
          ) u where u.position <= ${take} order by u.conversation_id, u.seq`,
    );
    return rows.map((row) => ({
      total: asInt(row.total),
      message: {
        id: String(row.id),
        conversationId: String(row.conversation_id),
        seq: asInt(row.seq),
        role: String(row.role) as MessageRoleValue,
        content: String(row.content),
        completionRequestId: row.completion_request_id === null ? null : String(row.completion_request_id),
        createdAt: asDate(row.created_at),
      },
    }));
  }

  /** Totals for conversations whose page came back empty (cursor past the end, or no messages). */
  private async countMissing(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.database.db
      .select({ conversationId: messages.conversationId, total: count() })
      .from(messages)
      .where(inArray(messages.conversationId, ids))
      .groupBy(messages.conversationId);
    return new Map(rows.map((row) => [row.conversationId, row.total]));
  }
}

function cursorSeq(cursor: string): number {
  const [seq] = decodeCursor(MESSAGE_CURSOR, cursor);
  if (typeof seq !== "number" || !Number.isInteger(seq)) throw new AppError("BAD_USER_INPUT", "invalid cursor");
  return seq;
}
