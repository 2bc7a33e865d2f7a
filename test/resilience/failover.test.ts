import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlData } from "../support/graphql-client.js";
import { startGatewayWithFakes, upsertRoute, type StartedGateway } from "../support/start-gateway.js";
import { attemptSummary, deadPort, knownRequestIds, newestSettledRequest, settledRequest, user } from "./resilience-helpers.js";

/**
 * SPEC §2 failover through the real app: a FALLBACK route openai → anthropic, where the openai fake fails in
 * each way the SPEC lists; the caller still gets anthropic's answer, and the stored decision trail shows both
 * attempts with their error kinds and latencies. A caller-fault 400 is not failed over.
 */

let gw: StartedGateway;
let client: OpenAI;
const RESCUE = "anthropic/claude-sonnet-4-5";

beforeAll(async () => {
  gw = await startGatewayWithFakes();
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  // One route per failing deployment, so the circuit of one test never sees another's failures.
  for (const [name, model] of [["fb-500", "openai/gpt-4o-mini"], ["fb-503", "openai/gpt-4o"], ["fb-400", "openai/gpt-4.1-mini"]] as const) {
    await upsertRoute(gw.url, gw.adminKey, { name, strategy: "FALLBACK", targets: [{ model, priority: 0 }, { model: RESCUE, priority: 1 }] });
  }
  await upsertRoute(gw.url, gw.adminKey, {
    name: "fb-slow",
    strategy: "FALLBACK",
    targets: [{ model: "openai/gpt-4.1", priority: 0 }, { model: RESCUE, priority: 1 }],
    firstTokenTimeoutMs: 300,
    timeoutMs: 600,
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

async function rescued(route: string, stream = false): Promise<{ text: string; requestId: string; provider: string | null; elapsedMs: number }> {
  const started = performance.now();
  if (!stream) {
    const { data, response } = await client.chat.completions.create({ model: `route:${route}`, messages: user("help me") }).withResponse();
    return {
      text: data.choices[0]?.message.content ?? "",
      requestId: response.headers.get("x-switchyard-request-id") ?? "",
      provider: response.headers.get("x-switchyard-provider"),
      elapsedMs: performance.now() - started,
    };
  }
  const { data, response } = await client.chat.completions.create({ model: `route:${route}`, messages: user("help me"), stream: true }).withResponse();
  let text = "";
  for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? "";
  return { text, requestId: response.headers.get("x-switchyard-request-id") ?? "", provider: response.headers.get("x-switchyard-provider"), elapsedMs: performance.now() - started };
}

describe("FALLBACK openai → anthropic through the app", () => {
  it.each([
    [500, "server", "fb-500"],
    [503, "overloaded", "fb-503"],
    // 408 and 409 are 4xx the SPEC fails over on (a failed attempt each: two per deployment stays under the breaker).
    [408, "timeout", "fb-500"],
    [409, "bad_request", "fb-503"],
  ] as const)("an upstream %i is served by anthropic; the trail shows both attempts", async (status, kind, route) => {
    gw.fakes.openai.script({ type: "error", status, message: `openai says ${status}` });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["rescued", " by claude"] });
    const result = await rescued(route);
    expect(result.text).toBe("rescued by claude");
    expect(result.provider).toBe("anthropic");
    const row = await settledRequest(gw.url, gw.adminKey, result.requestId);
    expect(row).toMatchObject({ status: "SUCCEEDED", servedModel: RESCUE, usageSource: "REPORTED" });
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", kind],
      ["anthropic", "SUCCEEDED", null],
    ]);
    expect(row.attempts[0]).toMatchObject({ httpStatus: status, errorMessage: `openai says ${status}`, latencyMs: expect.any(Number) });
    expect(row.attempts[1]?.latencyMs).toEqual(expect.any(Number));
    expect(row.routingReason).toMatch(/failover after/);
  });

  it("a refused connection (provider at a dead port) is served by anthropic", async () => {
    const port = await deadPort();
    await graphqlData(gw.url, gw.adminKey, `mutation($input: UpsertProviderInput!) { upsertProvider(input: $input) { id } }`, {
      input: { id: "deadai", kind: "OPENAI_COMPATIBLE", name: "Dead AI", baseUrl: `http://127.0.0.1:${port}/v1`, apiKey: "sk-dead", models: ["dead-model"] },
    });
    await expect
      .poll(async () => (await graphqlData<{ model: { id: string } | null }>(gw.url, gw.adminKey, `{ model(id: "deadai/dead-model") { id } }`)).model)
      .not.toBeNull();
    await upsertRoute(gw.url, gw.adminKey, { name: "fb-dead", strategy: "FALLBACK", targets: [{ model: "deadai/dead-model", priority: 0 }, { model: RESCUE, priority: 1 }] });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["alive"] });
    const result = await rescued("fb-dead");
    expect(result.text).toBe("alive");
    const row = await settledRequest(gw.url, gw.adminKey, result.requestId);
    expect(attemptSummary(row)).toEqual([
      ["deadai", "FAILED", "network"],
      ["anthropic", "SUCCEEDED", null],
    ]);
    expect(row.attempts[0]?.errorMessage).toMatch(/ECONNREFUSED|connect/i);
  });

  it("a stream whose first token is slower than firstTokenTimeoutMs is served by anthropic, the slow socket closed", async () => {
    // Headers and the role chunk arrive at once; the first content would come after 3 s.
    gw.fakes.openai.script({ type: "reply", chunks: ["too", " late"], firstContentDelayMs: 3_000 });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["on", " time"] });
    const result = await rescued("fb-slow", true);
    expect(result.text).toBe("on time");
    expect(result.elapsedMs).toBeLessThan(2_500);
    await expect.poll(() => gw.fakes.openai.openSockets()).toBe(0);
    const row = await settledRequest(gw.url, gw.adminKey, result.requestId);
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "timeout"],
      ["anthropic", "SUCCEEDED", null],
    ]);
    expect(row.attempts[0]?.errorMessage).toMatch(/first token timeout after 300 ms/);
    expect(row.attempts[0]?.latencyMs).toBeGreaterThanOrEqual(290);
  });

  it("a non-stream answer slower than the route's timeoutMs is served by anthropic", async () => {
    gw.fakes.openai.script({ type: "reply", chunks: ["too late"], firstChunkDelayMs: 3_000 });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["in time"] });
    const result = await rescued("fb-slow");
    expect(result.text).toBe("in time");
    expect(result.elapsedMs).toBeLessThan(2_500);
    const row = await settledRequest(gw.url, gw.adminKey, result.requestId);
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "timeout"],
      ["anthropic", "SUCCEEDED", null],
    ]);
    expect(row.attempts[0]?.errorMessage).toMatch(/total timeout after 600 ms/);
  });

  it("a 400 from openai is not failed over: the client gets 400 with the upstream's message", async () => {
    const before = gw.fakes.anthropic.requests.length;
    const known = await knownRequestIds(gw.url, gw.adminKey);
    gw.fakes.openai.script({ type: "error", status: 400, message: "Invalid value for 'temperature': must be <= 2." });
    const error = await client.chat.completions.create({ model: "route:fb-400", messages: user("x") }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("Invalid value for 'temperature': must be <= 2.");
    expect(gw.fakes.anthropic.requests.length).toBe(before);
    const row = await newestSettledRequest(gw.url, gw.adminKey, known);
    expect(row).toMatchObject({ status: "FAILED", errorCode: "BAD_USER_INPUT" });
    expect(attemptSummary(row)).toEqual([["openai", "FAILED", "bad_request"]]);
  });
});
