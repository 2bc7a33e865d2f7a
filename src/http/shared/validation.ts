import type { z } from "zod";
import { AppError } from "../../core/model/errors.js";

/** `messages[0].content` from a zod path. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Parses with a precompiled schema; a failure is BAD_USER_INPUT naming the first offending field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new AppError("BAD_USER_INPUT", "The request body must be a JSON object.");
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const param = issue ? formatPath(issue.path) : "";
  const message = issue ? `Invalid request: ${param === "" ? "" : `${param}: `}${issue.message}` : "Invalid request body.";
  throw new AppError("BAD_USER_INPUT", message, { details: { param: param === "" ? null : param } });
}

/** The body's top-level fields that `known` does not list (pass-through), or undefined when none. */
export function unknownFields(body: object, known: ReadonlySet<string>): Record<string, unknown> | undefined {
  let fields: Record<string, unknown> | undefined;
  for (const key in body) {
    if (known.has(key)) continue;
    fields ??= {};
    fields[key] = (body as Record<string, unknown>)[key];
  }
  return fields;
}
