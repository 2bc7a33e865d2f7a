import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayWithFakes, type StartedGateway } from "../support/start-gateway.js";

/**
 * The hot endpoints are answered on plain node:http in front of Express (src/server/rest-fast-path.ts).
 * Express still serves the same routes under paths the fast path leaves to it (a trailing slash), so
 * each case here sends the same request both ways and expects the same answer, byte for byte.
 */
let gw: StartedGateway;

beforeAll(async () => {
  gw = await startGatewayWithFakes();
});
afterAll(async () => {
  await gw?.close();
});

interface Answer {
  status: number;
  body: string;
  headers: Record<string, string | null>;
}

const COMPARED_HEADERS = ["content-type", "content-length", "etag", "www-authenticate", "x-request-id", "retry-after"];

async function send(path: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<Answer> {
  const response = await fetch(gw.url + path, { method: init.method ?? "POST", body: init.body, headers: init.headers });
  const headers: Record<string, string | null> = {};
  for (const name of COMPARED_HEADERS) headers[name] = response.headers.get(name);
  return { status: response.status, body: await response.text(), headers };
}

/** The answer of the fast path (exact path) and of Express (same path + "/"). */
async function both(path: string, init: { method?: string; body?: string; headers?: Record<string, string> }): Promise<[Answer, Answer]> {
  return [await send(path, init), await send(`${path}/`, init)];
}

const json = { "content-type": "application/json" };
const requestId = (id: string) => ({ "x-request-id": id });

describe("REST fast path answers like the Express routes", () => {
  it("401 without a key, in each API's error format", async () => {
    for (const path of ["/v1/chat/completions", "/v1/messages", "/graphql"]) {
      const [fast, express] = await both(path, { body: "{}", headers: { ...json, ...requestId("rid-401") } });
      expect(fast.status).toBe(401);
      expect(fast).toEqual(express);
    }
  });

  it("400 for a body that is not JSON (413 over the limit: test/security/bad-input)", async () => {
    const auth = { ...json, authorization: `Bearer ${gw.adminKey}`, ...requestId("rid-body") };
    for (const path of ["/v1/chat/completions", "/v1/messages"]) {
      const [badFast, badExpress] = await both(path, { body: "{ not json", headers: auth });
      expect(badFast.status).toBe(400);
      expect(badFast).toEqual(badExpress);
    }
  });

  it("validation errors of a parsed body", async () => {
    const auth = { ...json, authorization: `Bearer ${gw.adminKey}`, ...requestId("rid-invalid") };
    const [fast, express] = await both("/v1/chat/completions", { body: JSON.stringify({ model: "openai/gpt-4o-mini", messages: "nope" }), headers: auth });
    expect(fast.status).toBe(400);
    expect(fast).toEqual(express);
  });

  it("GET /v1/models: same list and ETag, conditional GETs included (those stay with Express)", async () => {
    const auth = { authorization: `Bearer ${gw.adminKey}`, ...requestId("rid-models") };
    const [fast, express] = await both("/v1/models", { method: "GET", headers: auth });
    expect(fast.status).toBe(200);
    expect(fast).toEqual(express);
    const [conditionalFast, conditionalExpress] = await both("/v1/models", { method: "GET", headers: { ...auth, "if-none-match": fast.headers.etag ?? "" } });
    expect(conditionalFast).toEqual(conditionalExpress);
  });

  it("generates an x-request-id when the client sends none or a malformed one", async () => {
    const missing = await send("/v1/chat/completions", { body: "{}", headers: json });
    expect(missing.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const malformed = await send("/v1/chat/completions", { body: "{}", headers: { ...json, "x-request-id": "bad id with spaces" } });
    expect(malformed.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("a completion through the fast path carries the same headers as through Express", async () => {
    const auth = { ...json, authorization: `Bearer ${gw.adminKey}` };
    const body = JSON.stringify({ model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
    gw.fakes.openai.script({ type: "reply", chunks: ["Hi"], usage: { inputTokens: 3, outputTokens: 1 } });
    const fast = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body, headers: auth });
    gw.fakes.openai.script({ type: "reply", chunks: ["Hi"], usage: { inputTokens: 3, outputTokens: 1 } });
    const express = await fetch(`${gw.url}/v1/chat/completions/`, { method: "POST", body, headers: auth });
    for (const response of [fast, express]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(response.headers.get("etag")).toMatch(/^W\/"[0-9a-f]+-/);
      expect(response.headers.get("x-switchyard-model")).toBe("openai/gpt-4o-mini");
      expect(response.headers.get("x-switchyard-cost-usd")).toBeTruthy();
      expect(((await response.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe("Hi");
    }
  });
});
