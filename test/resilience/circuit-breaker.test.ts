import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryCircuitStore } from "../../src/core/routing/in-memory-circuit.store.js";
import { graphqlData } from "../support/graphql-client.js";
import { startGatewayWithFakes, upsertRoute, type StartedGateway } from "../support/start-gateway.js";
import { attemptSummary, knownRequestIds, newestSettledRequest, settledRequest, user } from "./resilience-helpers.js";

/**
 * SPEC §2/§8 circuit breaker through the app: consecutive failures open openai/gpt-4o-mini's circuit, GraphQL
 * health shows it (model OPEN, provider DEGRADED), routing skips it, a direct request finds no route (503), and
 * after the cool-down one half-open probe closes it again. Short cool-down via the harness's circuit store.
 */

const COOLDOWN_MS = 1_500;
const FAILING = "openai/gpt-4o-mini";
let gw: StartedGateway;
let client: OpenAI;

beforeAll(async () => {
  gw = await startGatewayWithFakes({ circuits: new InMemoryCircuitStore({ failureThreshold: 3, cooldownMs: COOLDOWN_MS }) });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.adminKey, maxRetries: 0 });
  await upsertRoute(gw.url, gw.adminKey, {
    name: "cb",
    strategy: "FALLBACK",
    targets: [{ model: FAILING, priority: 0 }, { model: "anthropic/claude-sonnet-4-5", priority: 1 }],
  });
}, 60_000);
afterAll(async () => {
  await gw?.close();
});

interface Health {
  model: { health: { circuitState: string; errorRate: number; samples: number } };
  provider: { health: { status: string; circuitState: string } };
}

const health = () =>
  graphqlData<Health>(
    gw.url,
    gw.adminKey,
    `query($id: ID!) { model(id: $id) { health { circuitState errorRate samples } } provider(id: "openai") { health { status circuitState } } }`,
    { id: FAILING },
  );

async function viaRoute(): Promise<{ text: string; provider: string | null; requestId: string }> {
  const { data, response } = await client.chat.completions.create({ model: "route:cb", messages: user("hi") }).withResponse();
  return { text: data.choices[0]?.message.content ?? "", provider: response.headers.get("x-switchyard-provider"), requestId: response.headers.get("x-switchyard-request-id") ?? "" };
}

describe("circuit breaker through the app", () => {
  it("opens on consecutive failures, is skipped, gives NO_ROUTE when alone, and closes after a half-open probe", async () => {
    // Another openai deployment with healthy traffic: the provider is then DEGRADED (some open), not DOWN.
    await client.chat.completions.create({ model: "openai/gpt-4o", messages: user("healthy") });

    for (let index = 0; index < 3; index++) {
      gw.fakes.openai.script({ type: "error", status: 500, message: `failure ${index}` });
      gw.fakes.anthropic.script({ type: "reply", chunks: [`rescue ${index}`] });
      expect(await viaRoute()).toMatchObject({ text: `rescue ${index}`, provider: "anthropic" });
    }
    const open = await health();
    expect(open.model.health).toMatchObject({ circuitState: "OPEN", samples: 3, errorRate: 1 });
    expect(open.provider.health).toMatchObject({ status: "DEGRADED", circuitState: "OPEN" });

    // Open: the route skips it without calling openai.
    const openaiCalls = gw.fakes.openai.requests.length;
    gw.fakes.anthropic.script({ type: "reply", chunks: ["skipped openai"] });
    const skipped = await viaRoute();
    expect(skipped).toMatchObject({ text: "skipped openai", provider: "anthropic" });
    expect(gw.fakes.openai.requests.length).toBe(openaiCalls);
    const skippedRow = await settledRequest(gw.url, gw.adminKey, skipped.requestId);
    expect(attemptSummary(skippedRow).filter(([, status]) => status !== "SKIPPED")).toEqual([["anthropic", "SUCCEEDED", null]]);
    // The decision trail says why openai was passed over.
    expect(skippedRow.candidates).toContainEqual({ modelId: FAILING, eligible: false, reason: "circuit open" });

    // Its only candidate open: NO_ROUTE (503) before any upstream call.
    const known = await knownRequestIds(gw.url, gw.adminKey);
    const noRoute = await client.chat.completions.create({ model: FAILING, messages: user("x") }).catch((caught: unknown) => caught);
    expect(noRoute).toBeInstanceOf(OpenAI.APIError);
    expect(noRoute).toMatchObject({ status: 503, code: "no_route" });
    expect(gw.fakes.openai.requests.length).toBe(openaiCalls);
    // Refused before any upstream call: no row was written (SPEC: only completions are rows).
    expect([...(await knownRequestIds(gw.url, gw.adminKey))].filter((id) => !known.has(id))).toEqual([]);

    // After the cool-down: HALF_OPEN; one probe goes to openai, succeeds, and closes the circuit.
    await expect.poll(async () => (await health()).model.health.circuitState, { timeout: COOLDOWN_MS + 3_000, interval: 100 }).toBe("HALF_OPEN");
    gw.fakes.openai.script({ type: "reply", chunks: ["probe", " ok"] });
    const probe = await viaRoute();
    expect(probe).toMatchObject({ text: "probe ok", provider: "openai" });
    const closed = await health();
    expect(closed.model.health.circuitState).toBe("CLOSED");
    expect(closed.provider.health.status).toBe("HEALTHY");
  });

  it("a failed half-open probe re-opens the circuit and the request still succeeds elsewhere", async () => {
    const deployment = "openai/gpt-4.1-mini";
    await upsertRoute(gw.url, gw.adminKey, {
      name: "cb-reopen",
      strategy: "FALLBACK",
      targets: [{ model: deployment, priority: 0 }, { model: "anthropic/claude-sonnet-4-5", priority: 1 }],
    });
    const state = async () =>
      (await graphqlData<{ model: { health: { circuitState: string } } }>(gw.url, gw.adminKey, `query($id: ID!) { model(id: $id) { health { circuitState } } }`, { id: deployment }))
        .model.health.circuitState;
    for (let index = 0; index < 3; index++) {
      gw.fakes.openai.script({ type: "error", status: 503 });
      await client.chat.completions.create({ model: "route:cb-reopen", messages: user("x") });
    }
    expect(await state()).toBe("OPEN");
    await expect.poll(state, { timeout: COOLDOWN_MS + 3_000, interval: 100 }).toBe("HALF_OPEN");
    const known = await knownRequestIds(gw.url, gw.adminKey);
    gw.fakes.openai.script({ type: "error", status: 500, message: "still broken" });
    gw.fakes.anthropic.script({ type: "reply", chunks: ["fallback"] });
    const { data } = await client.chat.completions.create({ model: "route:cb-reopen", messages: user("x") }).withResponse();
    expect(data.choices[0]?.message.content).toBe("fallback");
    expect(await state()).toBe("OPEN");
    const row = await newestSettledRequest(gw.url, gw.adminKey, known);
    expect(attemptSummary(row)).toEqual([
      ["openai", "FAILED", "server"],
      ["anthropic", "SUCCEEDED", null],
    ]);
  });
});
