import { describe, expect, it } from "vitest";
import { errorFromResponse, errorFromThrown, parseRetryAfterMs } from "./error-mapping.js";

const context = { provider: "p", model: "m" };

describe("errorFromResponse", () => {
  it.each([
    [401, "auth", false],
    [403, "auth", false],
    [404, "not_found", false],
    [408, "timeout", true],
    [409, "bad_request", true],
    [413, "bad_request", false],
    [422, "bad_request", false],
    [429, "rate_limit", true],
    [500, "server", true],
    [502, "server", true],
    [504, "server", true],
    [503, "overloaded", true],
    [529, "overloaded", true],
  ])("status %i → %s (retryable %s)", (status, kind, retryable) => {
    const error = errorFromResponse(status, {}, JSON.stringify({ error: { message: "boom" } }), context);
    expect(error.kind).toBe(kind);
    expect(error.isRetryable).toBe(retryable);
    expect(error.message).toBe("boom");
    expect(error.status).toBe(status);
  });

  it("recognizes context-length messages of each provider", () => {
    const messages = [
      { error: { message: "This model's maximum context length is 8192 tokens.", code: "context_length_exceeded" } },
      { type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 210000 tokens > 200000 maximum" } },
      { error: { code: 400, message: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", status: "INVALID_ARGUMENT" } },
    ];
    for (const body of messages) expect(errorFromResponse(400, {}, JSON.stringify(body), context).kind).toBe("context_length");
  });

  it("keeps a non-JSON body as the message", () => {
    expect(errorFromResponse(502, {}, "<html>Bad gateway</html>", context).message).toContain("Bad gateway");
  });
});

describe("parseRetryAfterMs", () => {
  it("reads retry-after-ms first, then seconds, then an HTTP-date", () => {
    expect(parseRetryAfterMs({ "retry-after-ms": "1500", "retry-after": "9" })).toBe(1500);
    expect(parseRetryAfterMs({ "retry-after": "2.5" })).toBe(2500);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, now)).toBe(7000);
    expect(parseRetryAfterMs({ "retry-after": "garbage" })).toBeUndefined();
    expect(parseRetryAfterMs({})).toBeUndefined();
  });
});

describe("errorFromThrown", () => {
  it("maps aborts and connection errors", () => {
    const controller = new AbortController();
    controller.abort();
    expect(errorFromThrown(new Error("x"), { ...context, signal: controller.signal }).kind).toBe("aborted");
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const error = errorFromThrown(refused, context);
    expect(error.kind).toBe("network");
    expect(error.isRetryable).toBe(true);
  });
});
