import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayWithFakes, upsertRoute, type StartedGateway } from "../support/start-gateway.js";
import { attemptSummary, postJson, settledRequest, user } from "./resilience-helpers.js";

/**
 * SPEC §2/§8 streams through the app's REST SSE: a failure before the first token fails over unseen; after
 * it, the client gets an in-band error (OpenAI `data: {"error"}`, Anthropic `event: error`), the partial text
 * it already has, and the row is FAILED with ESTIMATED usage. /metrics counts completions by status.
 */

let gw: StartedGateway;

beforeAll(async () => {
  gw = await startGatewayWithFakes();
  await upsertRoute(gw.url, gw.adminKey, {
    name: "st",
    strategy: "FALLBACK",
    targets: [{ model: "openai/gpt-4o-mini", priority: 0 }, { model: "anthropic/claude-sonnet-4-5", priority: 1 }],
  });
  await upsertRoute(gw.url, gw.adminKey, {
    name: "st-claude-first",
    strategy: "FALLBACK",
    targets: [{ model: "anthropic/claude-sonnet-4-5", priority: 0 }, { model: "google/gemini-2.5-flash", priority: 1 }],
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

/** The text of an OpenAI SSE body's content deltas. */
function openAIText(body: string): string {
  let text = "";
  for (const line of body.split("\n")) {
    if (!line.startsWith("data: {")) continue;
    const chunk = JSON.parse(line.slice(6)) as { choices?: { delta?: { content?: string } }[] };
    text += chunk.choices?.[0]?.delta?.content ?? "";
  }
  return text;
}

async function openAIStream(model: string): Promise<{ body: string; requestId: string }> {
  const response = await postJson(gw.url, "/v1/chat/completions", gw.adminKey, { model, messages: user("tell me"), stream: true });
  expect(response.status).toBe(200);
  return { body: await response.text(), requestId: response.headers.get("x-switchyard-request-id") ?? "" };
}

describe("REST streams", () => {
  it("an upstream that drops the connection after the first chunk: in-band error, partial text, FAILED with ESTIMATED usage", async () => {
    const before = gw.fakes.anthropic.requests.length;
    gw.fakes.openai.script({ type: "drop", when: "after-first-chunk", chunks: ["partial answer", " never arrives"] });
    const { body, requestId } = await openAIStream("route:st");
    expect(openAIText(body)).toBe("partial answer");
    expect(body).toMatch(/data: \{"error":\{"message":"[^"]+","type":"[^"]+","code":/);
    expect(body).not.toContain("[DONE]");
    // After tokens were sent there is no failover (it would splice two answers).
    expect(gw.fakes.anthropic.requests.length).toBe(before);
    const row = await settledRequest(gw.url, gw.adminKey, requestId);
    expect(row).toMatchObject({ status: "FAILED", usageSource: "ESTIMATED", errorCode: "UPSTREAM_ERROR", servedModel: "openai/gpt-4o-mini" });
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(row.inputTokens).toBeGreaterThan(0);
    expect(attemptSummary(row)).toEqual([["openai", "FAILED", "network"]]);
  });

  it("an OpenAI in-stream error before any text fails over to anthropic unseen", async () => {
    gw.fakes.openai.script({ type: "stream-error", afterChunks: 0 });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["clean", " answer"] });
    const { body, requestId } = await openAIStream("route:st");
    expect(openAIText(body)).toBe("clean answer");
    expect(body).not.toContain('"error"');
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    const row = await settledRequest(gw.url, gw.adminKey, requestId);
    expect(row).toMatchObject({ status: "SUCCEEDED", servedModel: "anthropic/claude-sonnet-4-5", usageSource: "REPORTED" });
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "server"],
      ["anthropic", "SUCCEEDED", null],
    ]);
  });

  it("an Anthropic overloaded_error event after text, on /v1/messages: the client gets an error event and the text so far", async () => {
    gw.fakes.anthropic.script({ type: "stream-error", afterChunks: 1, chunks: ["Half", " of it"] });
    const response = await postJson(gw.url, "/v1/messages", gw.adminKey, {
      model: "route:st-claude-first",
      max_tokens: 100,
      messages: user("tell me"),
      stream: true,
    }, { "anthropic-version": "2023-06-01" });
    expect(response.status).toBe(200);
    const requestId = response.headers.get("x-switchyard-request-id") ?? "";
    const body = await response.text();
    expect(body).toContain('"text_delta","text":"Half"');
    expect(body).not.toContain(" of it");
    expect(body).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error","message":"Overloaded"/);
    expect(body).not.toContain("event: message_stop");
    const row = await settledRequest(gw.url, gw.adminKey, requestId);
    expect(row).toMatchObject({ status: "FAILED", usageSource: "ESTIMATED", servedModel: "anthropic/claude-sonnet-4-5" });
    expect(row.outputTokens).toBeGreaterThan(0);
    expect(attemptSummary(row)).toEqual([["anthropic", "FAILED", "overloaded"]]);
  });

  it("a Gemini in-stream error before any text fails over (Anthropic overloaded first, then Gemini served)", async () => {
    gw.fakes.anthropic.script({ type: "stream-error", afterChunks: 0 });
    gw.fakes.gemini.script({ type: "reply", chunks: ["gem", "ini"] });
    const { body, requestId } = await openAIStream("route:st-claude-first");
    expect(openAIText(body)).toBe("gemini");
    const row = await settledRequest(gw.url, gw.adminKey, requestId);
    expect(attemptSummary(row)).toEqual([
      ["anthropic", "FAILED", "overloaded"],
      ["google", "SUCCEEDED", null],
    ]);
  });

  it("/metrics counts completions by status", async () => {
    // This file's own traffic: at least one SUCCEEDED and one FAILED (run alone, it makes both).
    gw.fakes.openai.script({ type: "reply", chunks: ["ok"] });
    await openAIStream("openai/gpt-4o-mini");
    gw.fakes.openai.script({ type: "drop", when: "after-first-chunk", chunks: ["cut"] });
    await openAIStream("openai/gpt-4o-mini");
    await expect
      .poll(async () => {
        const text = await (await fetch(`${gw.url}/metrics`)).text();
        const line = (status: string) =>
          text.split("\n").find((entry) => entry.startsWith("switchyard_completions_total{") && entry.includes('model="openai/gpt-4o-mini"') && entry.includes(`status="${status}"`));
        return [line("SUCCEEDED"), line("FAILED")].map((entry) => Number(entry?.split(" ").at(-1) ?? 0) > 0);
      })
      .toEqual([true, true]);
  });
});
