import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import type { ChatRequest } from "../../src/core/model/chat-request.js";
import { formatPicoUsd, parseUsd } from "../../src/core/pricing/index.js";
import type { RouteOutcome } from "../../src/core/routing/router.types.js";
import { executeRows } from "../../src/db/client.js";
import type { Principal } from "../../src/services/auth/api-key.service.js";
import { createAdmissionControl, type AdmissionControlDeps, type GatewayAdmission } from "../../src/services/budgets/admission-control.js";
import { estimateReservation } from "../../src/services/budgets/reservation-estimate.js";
import { createGateway, type Gateway } from "../../src/services/gateway/gateway.js";
import { startFakeOpenAI, type FakeUpstream } from "../support/fake-upstreams/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/** gpt-4o-mini: $0.15 input / $0.60 output per MTok. */
const MODEL = "openai/gpt-4o-mini";

/**
 * Leased admission: budgets and large rate limits admitted against per-instance leases. Several
 * admission controls on one database stand for several gateway instances (each has its own leases).
 */
describe("leased admission", () => {
  let database: TestDatabase;
  let upstream: FakeUpstream;
  let gateway: Gateway;
  const admissions: GatewayAdmission[] = [];
  const logger = pino({ level: "silent" });

  beforeAll(async () => {
    database = await createTestDatabase();
    upstream = await startFakeOpenAI();
    const config = loadConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: upstream.baseUrl, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), "sy-lease-")) });
    gateway = await createGateway({ config, database, logger });
  });

  afterAll(async () => {
    for (const admission of admissions) await admission.close();
    await gateway?.close();
    await upstream?.close();
    await database?.dispose();
  });

  /** An "instance": flusher off unless asked, so each test decides when leases are written. */
  function instance(options: Partial<AdmissionControlDeps> = {}): GatewayAdmission {
    const admission = createAdmissionControl({ database, logger, sweepIntervalMs: 0, leaseFlushIntervalMs: 0, ...options });
    admissions.push(admission);
    return admission;
  }

  async function key(options: { budgetUsd?: string; period?: "DAY" | "MONTH" | "TOTAL"; rpm?: number; tpm?: number }): Promise<Principal> {
    const created = await gateway.apiKeys.createKey({
      name: `lease-${Math.random()}`,
      role: "APP",
      budgetLimitUsd: options.budgetUsd ?? null,
      budgetPeriod: options.budgetUsd ? (options.period ?? "TOTAL") : null,
      requestsPerMinute: options.rpm ?? null,
      tokensPerMinute: options.tpm ?? null,
    });
    return (await gateway.apiKeys.authenticate(created.secret))!;
  }

  const plan = (maxOutputTokens = 100) => {
    const request: ChatRequest = { messages: [{ role: "user", content: "hello" }], maxOutputTokens };
    return gateway.router.plan(request, { target: MODEL });
  };
  const outcome = (costUsd: string, tokens = 0) => ({ cost: { totalUsd: costUsd }, usage: { inputTokens: tokens, outputTokens: 0 } }) as unknown as RouteOutcome;

  async function ledger(keyId: string, period?: Date): Promise<{ spent: bigint; reserved: bigint }> {
    const rows = await executeRows(
      database.db,
      period
        ? sql`select spent_usd, reserved_usd from budget_periods where api_key_id = ${keyId}::uuid and period_start = ${period.toISOString()}::timestamptz`
        : sql`select spent_usd, reserved_usd from budget_periods where api_key_id = ${keyId}::uuid`,
    );
    return { spent: parseUsd(String(rows[0]?.spent_usd ?? "0")), reserved: parseUsd(String(rows[0]?.reserved_usd ?? "0")) };
  }

  const openLeases = async (keyId: string) =>
    Number((await executeRows(database.db, sql`select count(*)::int as n from budget_reservations where api_key_id = ${keyId}::uuid and request_id like 'lease:%' and settled_at is null`))[0]!.n);

  it("a large budget admits request after request with no SQL; one flush writes the spend and returns the idle lease", async () => {
    const admission = instance({ leaseIdleMs: 60_000 });
    const principal = await key({ budgetUsd: "100", rpm: 100_000, tpm: 10_000_000 });
    // The first request leases: a slice of the budget and of the RPM window, and reads the TPM window.
    await (await admission.admit(principal, plan(), "first")).settle(outcome("0.001", 10));
    const leased = await ledger(principal.keyId);
    expect(leased.reserved).toBeGreaterThan(0n);
    expect(leased.reserved).toBeLessThanOrEqual(parseUsd("12.5"));
    database.queries.reset();
    for (let index = 0; index < 200; index++) {
      const ticket = await admission.admit(principal, plan(), `r${index}`);
      await ticket.settle(outcome("0.000002", 10));
    }
    // 200 requests, each with a budget, RPM and TPM: at most a lease top-up or two.
    expect(database.queries.count).toBeLessThanOrEqual(4);
    expect((await ledger(principal.keyId)).spent).toBe(0n);
    database.queries.reset();
    await admission.flushLeases();
    expect(database.queries.count).toBeLessThanOrEqual(2);
    const flushed = await ledger(principal.keyId);
    expect(flushed.spent).toBe(parseUsd("0.001") + 200n * parseUsd("0.000002"));
    const [tokens] = await executeRows(database.db, sql`select points from rate_limits where key = ${`sy:tpm:${principal.keyId}`}`);
    expect(Number(tokens!.points)).toBe(2010);
    // Shutdown returns the whole lease: the ledger holds the spend only.
    await admission.close();
    expect(await ledger(principal.keyId)).toEqual({ spent: flushed.spent, reserved: 0n });
    expect(await openLeases(principal.keyId)).toBe(0);
  });

  it("the flusher writes leased spend within its interval, and the admin view counts leases as reserved", async () => {
    const admission = instance({ leaseFlushIntervalMs: 100 });
    const principal = await key({ budgetUsd: "50", period: "MONTH" });
    const ticket = await admission.admit(principal, plan(), "a");
    const states = await admission.budgets.states([{ keyId: principal.keyId, limitUsd: "50", period: "MONTH" }]);
    expect(parseUsd(states.get(principal.keyId)!.reservedUsd)).toBeGreaterThan(0n);
    const settledAt = Date.now();
    await ticket.settle(outcome("0.0123"));
    await expect.poll(async () => (await ledger(principal.keyId)).spent, { timeout: 1_000, interval: 10 }).toBe(parseUsd("0.0123"));
    expect(Date.now() - settledAt).toBeLessThan(1_000);
    // Idle for ~1 s: the lease goes back.
    await expect.poll(async () => (await ledger(principal.keyId)).reserved, { timeout: 5_000, interval: 50 }).toBe(0n);
  });

  it("an idle lease is returned so another instance can use the budget", async () => {
    const small = parseUsd(estimateReservation(plan(100)).amountUsd);
    const large = parseUsd(estimateReservation(plan(10_000)).amountUsd);
    // The large request needs 90 % of the limit; the first instance's lease (limit / 8) leaves less than that.
    const limit = (large * 10n) / 9n;
    expect(limit).toBeGreaterThanOrEqual(small * 16n);
    const principal = await key({ budgetUsd: formatPicoUsd(limit) });
    const first = instance({ leaseFlushIntervalMs: 50, leaseIdleMs: 300 });
    const second = instance();
    await (await first.admit(principal, plan(100), "small")).settle(outcome("0"));
    expect(await openLeases(principal.keyId)).toBe(1);
    await expect(second.admit(principal, plan(10_000), "large-1")).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    await expect.poll(() => openLeases(principal.keyId), { timeout: 3_000, interval: 20 }).toBe(0);
    const ticket = await second.admit(principal, plan(10_000), "large-2");
    await ticket.settle(outcome("0.001"));
    await expect.poll(() => ledger(principal.keyId), { timeout: 3_000, interval: 20 }).toEqual({ spent: parseUsd("0.001"), reserved: 0n });
  });

  it("a new UTC day starts a new lease; the old period's lease is flushed and returned", async () => {
    let now = new Date("2030-01-01T23:59:59.500Z");
    const admission = instance({ clock: () => now, leaseIdleMs: 1_000 });
    const principal = await key({ budgetUsd: "10", period: "DAY" });
    const day1 = new Date("2030-01-01T00:00:00Z");
    const day2 = new Date("2030-01-02T00:00:00Z");
    const late = await admission.admit(principal, plan(), "late");
    now = new Date("2030-01-02T00:00:00.100Z");
    const early = await admission.admit(principal, plan(), "early");
    expect((await ledger(principal.keyId, day1)).reserved).toBeGreaterThan(0n);
    expect((await ledger(principal.keyId, day2)).reserved).toBeGreaterThan(0n);
    await late.settle(outcome("0.002"));
    await early.settle(outcome("0.003"));
    now = new Date("2030-01-02T00:00:02Z");
    await admission.flushLeases();
    expect(await ledger(principal.keyId, day1)).toEqual({ spent: parseUsd("0.002"), reserved: 0n });
    expect(await ledger(principal.keyId, day2)).toEqual({ spent: parseUsd("0.003"), reserved: 0n });
    const states = await admission.budgets.states([{ keyId: principal.keyId, limitUsd: "10", period: "DAY" }]);
    expect(states.get(principal.keyId)).toMatchObject({ spentUsd: "0.003000000000", periodStart: day2 });
  });

  it("the sweeper releases the lease of an instance that stopped renewing it (crash); its late flush does not release twice", async () => {
    const crashed = instance();
    const survivor = instance();
    const principal = await key({ budgetUsd: "20" });
    const running = await crashed.admit(principal, plan(), "in-flight");
    expect((await ledger(principal.keyId)).reserved).toBeGreaterThan(0n);
    // `crashed` never flushes again (no flusher): its lease is not renewed and expires after the TTL.
    await expect.poll(() => survivor.budgets.releaseStale(60 * 60_000, 200), { timeout: 5_000, interval: 100 }).toBe(1);
    expect(await ledger(principal.keyId)).toEqual({ spent: 0n, reserved: 0n });
    expect(await openLeases(principal.keyId)).toBe(0);
    // A process that only stalled comes back: its spend is recorded, the released lease is not subtracted again.
    await running.settle(outcome("0.004"));
    await crashed.flushLeases();
    expect(await ledger(principal.keyId)).toEqual({ spent: parseUsd("0.004"), reserved: 0n });
  });

  it("a changed limit starts a new lease; the old one goes back once idle", async () => {
    let now = new Date("2030-02-01T12:00:00Z");
    const admission = instance({ clock: () => now });
    const principal = await key({ budgetUsd: "10" });
    await (await admission.admit(principal, plan(), "old")).settle(outcome("0.001"));
    const raised = { ...principal, budgetLimitUsd: "20" };
    await (await admission.admit(raised, plan(), "new")).settle(outcome("0.002"));
    expect(await openLeases(principal.keyId)).toBe(2);
    now = new Date("2030-02-01T12:00:00.500Z");
    await (await admission.admit(raised, plan(), "new-2")).settle(outcome("0"));
    now = new Date("2030-02-01T12:00:01.200Z");
    await admission.flushLeases();
    // Only the lease sized on the old limit was idle for 1 s.
    expect(await openLeases(principal.keyId)).toBe(1);
    expect((await ledger(principal.keyId)).spent).toBe(parseUsd("0.003"));
  });

  it("a nearly spent budget falls back to exact per-request reservations", async () => {
    const reservation = parseUsd(estimateReservation(plan()).amountUsd);
    const principal = await key({ budgetUsd: formatPicoUsd(reservation * 5n) });
    const admission = instance();
    const tickets = [];
    for (let index = 0; index < 5; index++) tickets.push(await admission.admit(principal, plan(), `e${index}`));
    await expect(admission.admit(principal, plan(), "e6")).rejects.toMatchObject({ code: "BUDGET_EXCEEDED" });
    const [rows] = await executeRows(database.db, sql`select count(*) filter (where request_id like 'lease:%')::int as leases, count(*)::int as n from budget_reservations where api_key_id = ${principal.keyId}::uuid`);
    expect(rows).toMatchObject({ leases: 0, n: 5 });
    for (const ticket of tickets) await ticket.settle(outcome("0"));
  });

  it("RPM leases: instances together never admit more than the limit; the refusal carries the window's wait", async () => {
    const principal = await key({ rpm: 400 });
    const [a, b] = [instance(), instance()];
    database.queries.reset();
    let admitted = 0;
    let refusal: unknown = null;
    for (let index = 0; index < 450; index++) {
      try {
        await (await (index % 2 === 0 ? a : b).admit(principal, plan(), `q${index}`)).settle(outcome("0"));
        admitted++;
      } catch (error) {
        refusal = error;
      }
    }
    expect(admitted).toBeLessThanOrEqual(400);
    // Unused leased points sit with the other instance until it returns them: at most a slice or two.
    expect(admitted).toBeGreaterThanOrEqual(380);
    expect(database.queries.count).toBeLessThan(250);
    expect(refusal).toMatchObject({ code: "RATE_LIMITED" });
    expect((refusal as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
    const [row] = await executeRows(database.db, sql`select points from rate_limits where key = ${`sy:rpm:${principal.keyId}`}`);
    expect(Number(row!.points)).toBeLessThanOrEqual(400);
  });

  it("TPM leases: tokens charged locally refuse the next request at once, and the other instance after a flush", async () => {
    const principal = await key({ tpm: 10_000 });
    const [a, b] = [instance(), instance()];
    await (await a.admit(principal, plan(), "t1")).settle(outcome("0", 10_000));
    await expect(a.admit(principal, plan(), "t2")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    await a.flushLeases();
    await expect(b.admit(principal, plan(), "t3")).rejects.toMatchObject({ code: "RATE_LIMITED" });
  });
});
