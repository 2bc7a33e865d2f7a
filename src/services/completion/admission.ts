import type { RoutePlan, RouteOutcome } from "../../core/routing/router.types.js";
import type { Principal } from "../auth/api-key.service.js";

/**
 * Admission control runs after routing resolved the plan and before any upstream call:
 * rate limits, then the budget reservation (SPEC §4). It throws AppError RATE_LIMITED or
 * BUDGET_EXCEEDED; the refused request is not a completion request and writes no row.
 */
export interface AdmissionControl {
  admit(principal: Principal, plan: RoutePlan, requestId: string): Promise<AdmissionTicket>;
}

/** What the admitted request must settle when it ends (success, failure and abort alike). */
export interface AdmissionTicket {
  settle(outcome: RouteOutcome): Promise<void>;
}

/** For keys with neither budget nor limits: nothing to reserve. */
export const UNLIMITED_TICKET: AdmissionTicket = { settle: async () => {} };

export const OPEN_ADMISSION: AdmissionControl = { admit: async () => UNLIMITED_TICKET };
