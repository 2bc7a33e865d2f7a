import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { AppError } from "../../src/core/model/errors.js";
import { completionRequests } from "../../src/db/schema/index.js";
import type { Principal } from "../../src/services/auth/api-key.service.js";
import type { AdmissionControl } from "../../src/services/completion/admission.js";
import { createGateway, type Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("CompletionService through the gateway runtime", () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  let gateway: Gateway;
  let principal: Principal;
  const admitted: string[] = [];
  const admission: AdmissionControl = {
    admit: async (who, plan, requestId) => {
      if (who.name === "broke") throw new AppError("BUDGET_EXCEEDED", "budget exhausted");
      admitted.push(`${requestId}:${plan.candidates[0]?.model.id}`);
      return { settle: async () => {} };
    },
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeOpenAI();
    const config = loadConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: upstream.baseUrl,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), "sy-gw-")),
      SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    });
    gateway = await createGateway({ config, database, logger: pino({ level: "silent" }), admission });
    const created = await gateway.apiKeys.createKey({ name: "app", role: "APP" });
    principal = (await gateway.apiKeys.authenticate(created.secret))!;
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    await database?.dispose();
  });

  const caller = () => ({ principal, protocol: "graphql" as const });

  it("streams a completion and settles its row with the upstream's usage and an exact cost", async () => {
    upstream.script({ type: "reply", chunks: ["Hel", "lo"], usage: { inputTokens: 1000, outputTokens: 2000, cachedInputTokens: 400 } });
    const run = await gateway.completions.start(caller(), {
      request: { messages: [{ role: "user", content: "hi" }] },
      target: "openai/gpt-4o-mini",
      stream: true,
    });
    const texts: string[] = [];
    let settled = null;
    for await (const event of run.events) {
      if (event.type === "part" && event.part.type === "text-delta") texts.push(event.part.text);
      if (event.type === "settled") settled = event.completion;
    }
    expect(texts.join("")).toBe("Hello");
    expect(settled).not.toBeNull();
    await settled!.persisted;
    const [row] = await database.db.select().from(completionRequests).where(eq(completionRequests.id, run.id));
    expect(row.status).toBe("SUCCEEDED");
    expect(row.servedModel).toBe("openai/gpt-4o-mini");
    expect(row.inputTokens).toBe(1000);
    expect(row.cachedInputTokens).toBe(400);
    expect(row.outputTokens).toBe(2000);
    // gpt-4o-mini: 0.15 input, 0.075 cached, 0.6 output per MTok → 600×0.15 + 400×0.075 + 2000×0.6 per 1e6.
    expect(row.costUsd).toBe("0.001320000000");
    expect(row.usageSource).toBe("REPORTED");
    expect(admitted.some((entry) => entry.startsWith(run.id))).toBe(true);
  });

  it("refuses before any upstream call and writes no row when admission says no", async () => {
    const broke = await gateway.apiKeys.createKey({ name: "broke", role: "APP" });
    const who = (await gateway.apiKeys.authenticate(broke.secret))!;
    const before = upstream.requests.length;
    await expect(
      gateway.completions.start({ principal: who, protocol: "openai" }, { request: { messages: [{ role: "user", content: "x" }] }, target: "openai/gpt-4o-mini", stream: false }),
    ).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(upstream.requests.length).toBe(before);
    await gateway.requestLog.flush();
    const rows = await database.db.select().from(completionRequests).where(eq(completionRequests.apiKeyId, who.keyId));
    expect(rows).toHaveLength(0);
  });

  it("rejects unknown models with NOT_FOUND", async () => {
    await expect(
      gateway.completions.start(caller(), { request: { messages: [{ role: "user", content: "x" }] }, target: "openai/nope-9000", stream: false }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("settles ABORTED with estimated usage when the consumer leaves mid-stream, and closes the upstream", async () => {
    upstream.script({ type: "stall", afterFirstChunk: true, chunks: ["partial answer"] });
    const run = await gateway.completions.start(caller(), {
      request: { messages: [{ role: "user", content: "tell me a story" }] },
      target: "openai/gpt-4o-mini",
      stream: true,
    });
    for await (const event of run.events) {
      if (event.type === "part") break;
    }
    await expect.poll(() => upstream.openSockets(), { timeout: 2000 }).toBe(0);
    await gateway.requestLog.flush();
    await expect
      .poll(async () => (await database.db.select().from(completionRequests).where(eq(completionRequests.id, run.id)))[0]?.status)
      .toBe("ABORTED");
    const [row] = await database.db.select().from(completionRequests).where(eq(completionRequests.id, run.id));
    expect(row.usageSource).toBe("ESTIMATED");
    expect(row.outputTokens).toBeGreaterThan(0);
  });

  it("serves the built-in default route over the configured provider's default model", async () => {
    const route = gateway.routes.route("default");
    expect(route?.strategy).toBe("FALLBACK");
    expect(route?.targets[0]?.model.startsWith("openai/")).toBe(true);
    const { completion } = await gateway.completions.complete(caller(), { request: { messages: [{ role: "user", content: "ping" }] }, stream: false });
    expect(completion.outcome.status).toBe("SUCCEEDED");
    expect(completion.outcome.text).toBe("You said: ping");
  });

  it("marks RUNNING rows of a dead instance INTERRUPTED", async () => {
    const [row] = await database.db
      .insert(completionRequests)
      .values({ apiKeyId: principal.keyId, instanceId: "dead-instance", protocol: "openai", requestedModel: "x", status: "RUNNING" })
      .returning();
    const interrupted = await gateway.heartbeat.sweep(0);
    expect(interrupted).toBeGreaterThanOrEqual(1);
    const [after] = await database.db.select().from(completionRequests).where(eq(completionRequests.id, row.id));
    expect(after.status).toBe("INTERRUPTED");
  });
});
