/** Narrowing helpers for upstream JSON (no `any`). */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function asNumber(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Parses a data: URL into its media type and base64 payload. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const match = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(url);
  if (!match) return null;
  const mediaType = match[1] ?? "application/octet-stream";
  const payload = match[3] ?? "";
  const data = match[2] ? payload : Buffer.from(decodeURIComponent(payload), "utf8").toString("base64");
  return { mediaType, data };
}

/** Parses tool-call argument text; the model's text may be invalid JSON, then the raw text is kept under `_raw`. */
export function parseArguments(text: string): JsonObject {
  if (text.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : { value: parsed };
  } catch {
    return { _raw: text };
  }
}

/** Names of passthrough fields an adapter ignores, as a warning. */
export function ignoredPassthroughWarning(fields: JsonObject, protocol: string): string | null {
  const names = Object.keys(fields);
  if (names.length === 0) return null;
  return `Fields not forwarded (upstream does not speak ${protocol}): ${names.join(", ")}`;
}

/** The system instruction that emulates JSON output on an upstream without a native JSON mode. */
export function jsonModeInstruction(schema?: Record<string, unknown>): string {
  const base = "Respond only with a single valid JSON value. Do not wrap it in Markdown code fences or add any other text.";
  return schema ? `${base} The JSON must conform to this JSON Schema:\n${JSON.stringify(schema)}` : base;
}
