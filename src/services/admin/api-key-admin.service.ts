import { asc, eq } from "drizzle-orm";
import { AppError } from "../../core/model/errors.js";
import type { Database } from "../../db/client.js";
import { apiKeys, type ApiKeyRoleValue, type ApiKeyRow, type BudgetPeriodValue } from "../../db/schema/index.js";
import type { ApiKeyService } from "../auth/api-key.service.js";
import type { BudgetLedger, BudgetState } from "../budgets/budget-ledger.js";
import { budgetDecimal, validateAllowedModels, validateName, validatePerMinute } from "./admin-validation.js";

export interface BudgetInputValue {
  /** USD, > 0. */
  limitUsd: number;
  period: BudgetPeriodValue;
}

export interface CreateKeyInput {
  name: string;
  role: ApiKeyRoleValue;
  allowedModels?: string[] | null;
  budgetUsd?: number | null;
  budgetPeriod?: BudgetPeriodValue | null;
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

/** A key as the admin API shows it (never its secret or hash). Money is decimal USD strings. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: ApiKeyRoleValue;
  allowedModels: string[] | null;
  budget: BudgetState | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiKeyAdminDeps {
  database: Database;
  apiKeys: ApiKeyService;
  budgets: BudgetLedger;
}

/**
 * Key administration over ApiKeyService: create (secret returned once), revoke, budgets, listing
 * with the current period's spend. Every change evicts the key from every instance's principal cache
 * (NOTIFY), so limits and revocations apply to the next request everywhere.
 * `lastUsedAt` is written by authentication on a cache miss only (at most once per cache TTL per
 * instance), never per request.
 */
export class ApiKeyAdminService {
  constructor(private readonly deps: ApiKeyAdminDeps) {}

  async create(input: CreateKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
    const name = validateName(input.name, "name");
    if (input.role !== "ADMIN" && input.role !== "APP") throw new AppError("BAD_USER_INPUT", "role must be ADMIN or APP");
    const hasBudget = input.budgetUsd !== null && input.budgetUsd !== undefined;
    if (hasBudget && !input.budgetPeriod) {
      throw new AppError("BAD_USER_INPUT", "budgetPeriod is required with budgetUsd");
    }
    const created = await this.deps.apiKeys.createKey({
      name,
      role: input.role,
      allowedModels: validateAllowedModels(input.allowedModels),
      budgetLimitUsd: hasBudget ? budgetDecimal(input.budgetUsd!) : null,
      budgetPeriod: hasBudget ? input.budgetPeriod! : null,
      requestsPerMinute: validatePerMinute(input.requestsPerMinute, "requestsPerMinute"),
      tokensPerMinute: validatePerMinute(input.tokensPerMinute, "tokensPerMinute"),
    });
    return { key: (await this.views([created.key]))[0]!, secret: created.secret };
  }

  async revoke(id: string): Promise<ApiKeyView> {
    const revoked = await this.deps.apiKeys.revokeKey(assertUuid(id));
    if (!revoked) throw new AppError("NOT_FOUND", `No API key ${id}.`);
    return (await this.views([revoked]))[0]!;
  }

  /** Sets (or with null removes) a key's budget; the spend already recorded for the period stays. */
  async setBudget(id: string, budget: BudgetInputValue | null): Promise<ApiKeyView> {
    const values = budget
      ? { budgetLimitUsd: budgetDecimal(budget.limitUsd), budgetPeriod: validatePeriod(budget.period) }
      : { budgetLimitUsd: null, budgetPeriod: null };
    return this.update(id, values);
  }

  /** Changes a key's per-minute limits (null removes a limit). */
  async setRateLimits(id: string, limits: { requestsPerMinute: number | null; tokensPerMinute: number | null }): Promise<ApiKeyView> {
    return this.update(id, {
      requestsPerMinute: validatePerMinute(limits.requestsPerMinute, "requestsPerMinute"),
      tokensPerMinute: validatePerMinute(limits.tokensPerMinute, "tokensPerMinute"),
    });
  }

  async list(): Promise<ApiKeyView[]> {
    const rows = await this.deps.database.db.select().from(apiKeys).orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
    return this.views(rows);
  }

  async get(id: string): Promise<ApiKeyView | null> {
    if (!UUID.test(id)) return null;
    const [row] = await this.deps.database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
    return row ? (await this.views([row]))[0]! : null;
  }

  private async update(id: string, values: Partial<ApiKeyRow>): Promise<ApiKeyView> {
    const [row] = await this.deps.database.db.update(apiKeys).set(values).where(eq(apiKeys.id, assertUuid(id))).returning();
    if (!row) throw new AppError("NOT_FOUND", `No API key ${id}.`);
    await this.deps.apiKeys.publishInvalidation(row.secretHash);
    return (await this.views([row]))[0]!;
  }

  private async views(rows: ApiKeyRow[]): Promise<ApiKeyView[]> {
    const budgeted = rows.flatMap((row) =>
      row.budgetLimitUsd !== null && row.budgetPeriod !== null ? [{ keyId: row.id, limitUsd: row.budgetLimitUsd, period: row.budgetPeriod }] : [],
    );
    const states = await this.deps.budgets.states(budgeted);
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      role: row.role,
      allowedModels: row.allowedModels ?? null,
      budget: states.get(row.id) ?? null,
      requestsPerMinute: row.requestsPerMinute ?? null,
      tokensPerMinute: row.tokensPerMinute ?? null,
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt ?? null,
      revokedAt: row.revokedAt ?? null,
    }));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertUuid(id: string): string {
  if (!UUID.test(id)) throw new AppError("NOT_FOUND", `No API key ${id}.`);
  return id;
}

function validatePeriod(period: string): BudgetPeriodValue {
  if (period === "DAY" || period === "MONTH" || period === "TOTAL") return period;
  throw new AppError("BAD_USER_INPUT", "period must be DAY, MONTH or TOTAL");
}
