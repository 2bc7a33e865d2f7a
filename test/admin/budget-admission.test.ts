import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { AppError } from "../../src/core/model/errors.js";
import { parseUsd, formatPicoUsd } from "../../src/core/pricing/index.js";
import { executeRows } from "../../src/db/client.js";
import { budgetReservations, completionRequests } from "../../src/db/schema/index.js";
import type { Principal } from "../../src/services/auth/api-key.service.js";
import { createAdmissionControl, type GatewayAdmission } from "../../src/services/budgets/admission-control.js";
import { estimateReservation } from "../../src/services/budgets/reservation-estimate.js";
import { periodResetsAt, periodStart } from "../../src/services/budgets/budget-period.js";
import { createGateway, type Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/** gpt-4o-mini: $0.15 input / $0.60 output per MTok; 1,000 output tokens ≈ $0.0006 per request. */
const MODEL = "openai/gpt-4o-mini";
const MAX_TOKENS = 1_000;

describe("budget admission (one process)", () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  /** Only the concurrency test scripts this one (its leftover scenarios must not leak into other tests). */
  let concurrencyUpstream: FakeUpstream;
  let gateway: Gateway;
  let admission: GatewayAdmission;

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeOpenAI();
    concurrencyUpstream = await startFakeOpenAI({ dialect: "deepseek" });
    const config = loadConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: upstream.baseUrl,
      DEEPSEEK_API_KEY: "sk-test",
      DEEPSEEK_BASE_URL: concurrencyUpstream.baseUrl,
      SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), "sy-budget-")),
      SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    });
    const logger = pino({ level: "silent" });
    admission = createAdmissionControl({ database, logger, sweepIntervalMs: 0 });
    gateway = await createGateway({ config, database, logger, admission });
  });

  afterAll(async () => {
    await gateway?.close();
    await admission?.close();
    await upstream?.close();
    await concurrencyUpstream?.close();
    await database?.dispose();
  });

  async function keyWith(options: { budgetUsd: string | null; period?: "DAY" | "MONTH" | "TOTAL" }): Promise<Principal> {
    const created = await gateway.apiKeys.createKey({
      name: `budget-${Math.random()}`,
      role: "APP",
      budgetLimitUsd: options.budgetUsd,
      budgetPeriod: options.budgetUsd ? (options.period ?? "DAY") : null,
    });
    return (await gateway.apiKeys.authenticate(created.secret))!;
  }

  const request = (text: string) => ({ messages: [{ role: "user" as const, content: text }], maxOutputTokens: MAX_TOKENS });

  async function ledger(keyId: string): Promise<{ spent: bigint; reserved: bigint }> {
    const rows = await executeRows(database.db, sql`select spent_usd, reserved_usd from budget_periods where api_key_id = ${keyId}::uuid`);
    return { spent: parseUsd(String(rows[0]?.spent_usd ?? "0")), reserved: parseUsd(String(rows[0]?.reserved_usd ?? "0")) };
  }

  it("50 concurrent requests on a budget for about 5: the spend exceeds the limit by at most one reservation", async () => {
    const target = "deepseek/deepseek-chat";
    const reservation = parseUsd(estimateReservation(gateway.router.plan(request("hello 10"), { target })).amountUsd);
    expect(reservation).toBeGreaterThan(0n);
    const limit = formatPicoUsd((reservation * 55n) / 10n);
    // Each request reports 20 input + 1,000 output tokens: its actual cost is about its reservation.
    for (let index = 0; index < 50; index++) concurrencyUpstream.script({ type: "reply", chunks: ["ok"], usage: { inputTokens: 20, outputTokens: MAX_TOKENS } });
    const before = concurrencyUpstream.requests.length;
    const principal = await keyWith({ budgetUsd: limit });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, index) =>
        gateway.completions.complete({ principal, protocol: "graphql" }, { request: request(`hello ${index}`), target, stream: false }),
      ),
    );
    const admitted = results.filter((result) => result.status === "fulfilled");
    const refused = results.filter((result): result is PromiseRejectedResult => result.status === "rejected");
    for (const result of refused) {
      expect(result.reason).toBeInstanceOf(AppError);
      expect((result.reason as AppError).code).toBe("BUDGET_EXCEEDED");
    }
    for (const result of admitted) await result.value.completion.persisted;
    expect(admitted.length).toBeGreaterThanOrEqual(4);
    expect(admitted.length).toBeLessThanOrEqual(6);
    // Refused requests never reached the upstream and left no row.
    expect(concurrencyUpstream.requests.length - before).toBe(admitted.length);
    const rows = await database.db.select({ id: completionRequests.id }).from(completionRequests).where(eq(completionRequests.apiKeyId, principal.keyId));
    expect(rows.length).toBe(admitted.length);

    const reservationSize = parseUsd((await database.db.select().from(budgetReservations).where(eq(budgetReservations.apiKeyId, principal.keyId)))[0]!.amountUsd);
    const { spent, reserved } = await ledger(principal.keyId);
    expect(reserved).toBe(0n);
    expect(spent).toBeGreaterThan(0n);
    expect(reservationSize).toBe(reservation);
    expect(spent).toBeLessThanOrEqual(parseUsd(limit) + reservationSize);
    // The spend is exactly the sum of the settled requests' costs (numeric arithmetic, no float drift).
    const costs = await database.db.select({ cost: completionRequests.costUsd }).from(completionRequests).where(eq(completionRequests.apiKeyId, principal.keyId));
    expect(formatPicoUsd(spent)).toBe(formatPicoUsd(costs.reduce((sum, row) => sum + parseUsd(row.cost ?? "0"), 0n)));
  });

  it("refuses a reservation larger than what remains, before any upstream call, and a small maxTokens still fits", async () => {
    const principal = await keyWith({ budgetUsd: "0.0001" });
    const before = upstream.requests.length;
    await expect(
      gateway.completions.start({ principal, protocol: "openai" }, { request: request("big"), target: MODEL, stream: false }),
    ).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    expect(upstream.requests.length).toBe(before);
    const small = await gateway.completions.complete(
      { principal, protocol: "openai" },
      { request: { messages: [{ role: "user", content: "tiny" }], maxOutputTokens: 10 }, target: MODEL, stream: false },
    );
    expect(small.completion.outcome.status).toBe("SUCCEEDED");
  });

  it("releases the reservation of a failed request and charges only what was reported", async () => {
    const principal = await keyWith({ budgetUsd: "1" });
    upstream.script({ type: "error", status: 400, message: "bad request" });
    const { completion } = await gateway.completions.complete({ principal, protocol: "graphql" }, { request: request("fail"), target: MODEL, stream: false });
    await completion.persisted;
    expect(completion.outcome.status).toBe("FAILED");
    expect((await ledger(principal.keyId)).spent).toBe(0n);
    // A $1 budget is large: the request was admitted against this instance's lease, returned once the key is idle (~1 s).
    await expect.poll(() => ledger(principal.keyId), { timeout: 5_000, interval: 50 }).toEqual({ spent: 0n, reserved: 0n });
  });

  it("keys without a budget or limits never touch the ledger", async () => {
    const principal = await keyWith({ budgetUsd: null });
    database.queries.reset();
    const started = performance.now();
    const ticket = await admission.admit(principal, gateway.router.plan(request("x"), { target: MODEL }), "r1");
    expect(performance.now() - started).toBeLessThan(5);
    await ticket.settle({} as never);
    expect(database.queries.count).toBe(0);
  });

  it("DAY and MONTH are UTC calendar periods; TOTAL never resets", () => {
    const now = new Date("2026-03-31T23:59:59.999Z");
    expect(periodStart("DAY", now).toISOString()).toBe("2026-03-31T00:00:00.000Z");
    expect(periodResetsAt("DAY", now)?.toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(periodStart("MONTH", now).toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(periodResetsAt("MONTH", new Date("2026-12-15T00:00:00Z"))?.toISOString()).toBe("2027-01-01T00:00:00.000Z");
    expect(periodStart("TOTAL", now).getTime()).toBe(0);
    expect(periodResetsAt("TOTAL", now)).toBeNull();
  });
});
