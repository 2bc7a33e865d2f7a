export { createOpenAIHandlers, createOpenAIRouter, type OpenAIHandlers } from "./openai/openai.router.js";
export { createAnthropicRouter, createMessagesHandler, type MessagesHandler } from "./anthropic/anthropic.router.js";
export type { RestApiDeps, RestCatalog, RestRouteList } from "./shared/rest.types.js";
