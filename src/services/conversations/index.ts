export * from "./conversation.service.js";
export * from "./chat.service.js";
export * from "./history-trim.js";
export * from "./chat-services.js";
