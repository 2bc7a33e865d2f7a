export { startFakeOpenAI } from "./fake-openai.js";
export type { FakeOpenAIOptions } from "./fake-openai.js";
export { startFakeAnthropic } from "./fake-anthropic.js";
export { startFakeGemini } from "./fake-gemini.js";
export { defaultReply } from "./scenario.js";
export type { FakeScenario, FakeToolCall, FakeUpstream, FakeUpstreamOptions, FakeUsage, RecordedRequest } from "./scenario.js";
