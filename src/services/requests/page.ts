import { AppError } from "../../core/model/errors.js";

/** One page of a Relay connection, independent of GraphQL (the GraphQL layer maps it 1:1). */
export interface Page<TNode> {
  edges: { cursor: string; node: TNode }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Validated page size: default 20, 1..100. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new AppError("BAD_USER_INPUT", `first must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/**
 * Cursors are opaque to clients: base64url of a tagged JSON tuple, so a cursor of one list
 * cannot be replayed against another (the tag differs) and a tampered one fails cleanly.
 */
export function encodeCursor(tag: string, values: (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...values])).toString("base64url");
}

export function decodeCursor(tag: string, cursor: string): (string | number)[] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(parsed) && parsed[0] === tag && parsed.slice(1).every((value) => typeof value === "string" || typeof value === "number")) {
      return parsed.slice(1) as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("BAD_USER_INPUT", "invalid cursor");
}

/** A (created_at, id) cursor for lists ordered newest first. */
export function timeCursor(tag: string, createdAt: Date, id: string): string {
  return encodeCursor(tag, [createdAt.toISOString(), id]);
}

export function decodeTimeCursor(tag: string, cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = decodeCursor(tag, cursor);
  const createdAt = typeof iso === "string" ? new Date(iso) : new Date(Number.NaN);
  if (typeof id !== "string" || Number.isNaN(createdAt.getTime())) throw new AppError("BAD_USER_INPUT", "invalid cursor");
  return { createdAt, id };
}

/** Builds a page from `limit + 1` fetched rows (the extra row only says whether there is a next page). */
export function toPage<TRow, TNode>(rows: TRow[], limit: number, totalCount: number, cursorOf: (row: TRow) => string, nodeOf: (row: TRow) => TNode): Page<TNode> {
  const visible = rows.slice(0, limit);
  const edges = visible.map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > limit, endCursor: edges.at(-1)?.cursor ?? null }, totalCount };
}

/** Who is asking: APP keys see only their own records, ADMIN keys see every key's. */
export interface Viewer {
  keyId: string;
  role: "ADMIN" | "APP";
}

/** Reads a Postgres timestamp from a raw row (Date on pg, Date or string on PGlite). */
export function asDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** Reads a count/bigint column from a raw row (pg returns int8 as a string). */
export function asInt(value: unknown): number {
  return value === null || value === undefined ? 0 : Number(value);
}
