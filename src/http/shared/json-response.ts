import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";

/** The empty body's weak ETag, as Express computes it. */
const EMPTY_ETAG = 'W/"0-2jmj7l5rSw0yVb/vlWAYkK/YBwk"';

/** Express's default (weak) ETag of a UTF-8 body: `W/"<length hex>-<sha1 base64, 27 chars>"`. */
export function weakEtag(body: string, length: number): string {
  if (length === 0) return EMPTY_ETAG;
  const hash = createHash("sha1").update(body, "utf8").digest("base64").substring(0, 27);
  return `W/"${length.toString(16)}-${hash}"`;
}

/**
 * Sends preformatted JSON text the way Express's `res.status(status).json(...)` does (same
 * content-type, content-length and weak ETag), on a plain node:http response: the REST fast path
 * and the Express routes answer byte-for-byte alike.
 */
export function sendJsonText(response: ServerResponse, status: number, text: string): void {
  response.statusCode = status;
  if (!response.hasHeader("content-type")) response.setHeader("content-type", "application/json; charset=utf-8");
  const length = Buffer.byteLength(text, "utf8");
  response.setHeader("content-length", length);
  if (!response.hasHeader("etag")) response.setHeader("etag", weakEtag(text, length));
  response.end(text);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  sendJsonText(response, status, JSON.stringify(body));
}
