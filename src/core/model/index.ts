export * from "./chat-request.js";
export * from "./usage.js";
export * from "./stream-part.js";
export * from "./errors.js";
export * from "./catalog.js";
export * from "./route.js";
