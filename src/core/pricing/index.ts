export * from "./money.js";
export * from "./cost.js";
