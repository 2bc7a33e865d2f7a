export * from "./language-model.js";
export * from "./stats-store.js";
export * from "./clock.js";
