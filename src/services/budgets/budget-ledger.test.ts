import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows } from "../../db/client.js";
import { apiKeys } from "../../db/schema/index.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/test-database.js";
import { BudgetLedger } from "./budget-ledger.js";

describe("BudgetLedger", () => {
  let database: TestDatabase;
  let keyId: string;
  let now = new Date("2026-05-10T12:00:00Z");
  let ledger: BudgetLedger;

  beforeAll(async () => {
    database = await createTestDatabase();
    const [row] = await database.db.insert(apiKeys).values({ name: "k", prefix: "sy-x", secretHash: "h".repeat(64), role: "APP" }).returning();
    keyId = row!.id;
    ledger = new BudgetLedger({ database, clock: () => now });
  });
  afterAll(async () => {
    await database?.dispose();
  });

  const state = async () => (await ledger.states([{ keyId, limitUsd: "1", period: "DAY" }])).get(keyId)!;

  it("reserves while the reservation fits, settles exactly, and refuses once spent out", async () => {
    const first = await ledger.reserve({ keyId, limitUsd: "1", period: "DAY", amountUsd: "0.6", requestId: "a" });
    expect(first).not.toBeNull();
    expect(await ledger.reserve({ keyId, limitUsd: "1", period: "DAY", amountUsd: "0.5", requestId: "b" })).toBeNull();
    const second = await ledger.reserve({ keyId, limitUsd: "1", period: "DAY", amountUsd: "0.4", requestId: "c" });
    expect(second).not.toBeNull();
    expect(await state()).toMatchObject({ spentUsd: "0.000000000000", reservedUsd: "1.000000000000" });
    await ledger.settle(first!.id, "0.1");
    await ledger.settle(first!.id, "0.1"); // idempotent
    // Settlement may cross the limit by that request's excess; afterwards nothing is admitted, even free requests.
    await ledger.settle(second!.id, "0.95");
    expect(await state()).toMatchObject({ spentUsd: "1.050000000000", reservedUsd: "0.000000000000" });
    expect(await ledger.reserve({ keyId, limitUsd: "1", period: "DAY", amountUsd: "0", requestId: "d" })).toBeNull();
  });

  it("a new UTC day starts a new period; the sweeper releases reservations whose request died", async () => {
    now = new Date("2026-05-11T00:00:00Z");
    expect(await state()).toMatchObject({ spentUsd: "0", reservedUsd: "0", resetsAt: new Date("2026-05-12T00:00:00Z") });
    const orphan = await ledger.reserve({ keyId, limitUsd: "1", period: "DAY", amountUsd: "0.7", requestId: "lost" });
    expect(orphan).not.toBeNull();
    expect(await ledger.releaseStale(60 * 60_000)).toBe(0);
    await database.db.execute(sql`update budget_reservations set created_at = now() - interval '2 hours' where id = ${orphan!.id}::uuid`);
    // created_at is the database's clock: a ledger on the real clock sees the backdated reservation as stale.
    expect(await new BudgetLedger({ database }).releaseStale(60 * 60_000)).toBe(1);
    const [row] = await executeRows(database.db, sql`select reserved_usd from budget_periods where period_start = '2026-05-11T00:00:00Z'`);
    expect(row?.reserved_usd).toBe("0.000000000000");
  });
});
