import { AppError } from "../../core/model/errors.js";

const MAX_NAME_LENGTH = 200;
/** Far above any real limit; keeps values inside Postgres `integer`. */
const MAX_PER_MINUTE = 1_000_000_000;
/** Budgets are stored as numeric(20,12): at most 8 integer digits. */
const MAX_BUDGET_USD = 10_000_000;

export function validateName(value: string, field: string): string {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
    throw new AppError("BAD_USER_INPUT", `${field} must be 1-${MAX_NAME_LENGTH} characters`);
  }
  return trimmed;
}

export function validatePerMinute(value: number | null | undefined, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (!Number.isInteger(value) || value < 1 || value > MAX_PER_MINUTE) {
    throw new AppError("BAD_USER_INPUT", `${field} must be a positive integer (or null for no limit)`);
  }
  return value;
}

/** A USD amount from GraphQL's Float as an exact decimal string for `numeric` (at most 12 fraction digits). */
export function budgetDecimal(value: number): string {
  if (!Number.isFinite(value) || value <= 0 || value > MAX_BUDGET_USD) {
    throw new AppError("BAD_USER_INPUT", `budget must be a positive amount of USD, at most ${MAX_BUDGET_USD}`);
  }
  const fixed = value.toFixed(12).replace(/0+$/, "").replace(/\.$/, "");
  if (fixed === "0") throw new AppError("BAD_USER_INPUT", "budget must be at least $0.000000000001");
  return fixed;
}

/** `provider/model`, a bare model name, or `route:NAME`; null or empty = everything. */
export function validateAllowedModels(values: readonly string[] | null | undefined): string[] | null {
  if (!values || values.length === 0) return null;
  const cleaned = [...new Set(values.map((value) => value.trim()))];
  for (const value of cleaned) {
    if (value.length === 0 || value.length > 300 || /\s/.test(value)) {
      throw new AppError("BAD_USER_INPUT", `allowedModels: ${JSON.stringify(value)} is not a model or route:NAME`);
    }
  }
  return cleaned;
}

export function validatePrice(value: number | null | undefined, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (!Number.isFinite(value) || value < 0 || value > 1e6) throw new AppError("BAD_USER_INPUT", `${field} must be a non-negative USD per million tokens`);
  return value.toFixed(9);
}
