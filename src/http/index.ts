export { createOpenAIRouter } from "./openai/openai.router.js";
export { createAnthropicRouter } from "./anthropic/anthropic.router.js";
export type { RestApiDeps, RestCatalog, RestRouteList } from "./shared/rest.types.js";
