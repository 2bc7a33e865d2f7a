import { AppError } from "../../core/model/errors.js";

/** Admin operations (SPEC §3 "admin") are for ADMIN keys only; APP keys get FORBIDDEN. */
export function requireAdmin(principal: { role: "ADMIN" | "APP" }): void {
  if (principal.role !== "ADMIN") throw new AppError("FORBIDDEN", "This operation needs an ADMIN key.");
}
