import type { FakeContext } from "./fake-server.js";
import { sendJson, startFakeServer } from "./fake-server.js";
import type { FakeUpstream, FakeUpstreamOptions } from "./scenario.js";
import { replyText, serveScenario, textChunks } from "./wire-format.js";
import type { ReplyScenario, SseFrame, WireFormat } from "./wire-format.js";

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
};

const PATH = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** usageMetadata: promptTokenCount includes cached tokens; thoughts are counted apart from candidates. */
function usageOf(reply: ReplyScenario): Record<string, unknown> {
  if (reply.rawUsage) return reply.rawUsage;
  const usage = reply.usage ?? { inputTokens: 10, outputTokens: Math.max(1, textChunks(reply).length) };
  const thoughts = usage.reasoningTokens ?? 0;
  const metadata: Record<string, unknown> = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens - thoughts,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    promptTokensDetails: [{ modality: "TEXT", tokenCount: usage.inputTokens }],
  };
  if (usage.cachedInputTokens) metadata.cachedContentTokenCount = usage.cachedInputTokens;
  if (thoughts) metadata.thoughtsTokenCount = thoughts;
  return metadata;
}

function functionCallParts(reply: ReplyScenario): Record<string, unknown>[] {
  return (reply.toolCalls ?? []).map((call) => ({ functionCall: { name: call.name, args: JSON.parse(call.arguments) as unknown } }));
}

function response(parts: Record<string, unknown>[], model: string, extra: { finishReason?: string; usage: Record<string, unknown> }) {
  const candidate: Record<string, unknown> = { content: { parts, role: "model" }, index: 0 };
  if (extra.finishReason) candidate.finishReason = extra.finishReason;
  return { candidates: [candidate], usageMetadata: extra.usage, modelVersion: model, responseId: "resp_fake123" };
}

const GEMINI_FORMAT: WireFormat = {
  isStream: (context) => context.request.path.includes(":streamGenerateContent"),
  model: (context) => PATH.exec(context.request.path.split("?")[0] ?? "")?.[1] ?? "gemini-fake",
  errorBody: (status, message) => ({ error: { code: status, message, status: STATUS_NAMES[status] ?? "UNKNOWN" } }),
  // Gemini reports a failure inside an alt=sse stream as one event carrying the google.rpc error object.
  streamError: (message, status) => {
    const name = status ?? "UNAVAILABLE";
    const code = Number(Object.entries(STATUS_NAMES).find(([, value]) => value === name)?.[0] ?? 500);
    return { data: JSON.stringify({ error: { code, message: message ?? "The model is overloaded. Please try again later.", status: name } }) };
  },
  body: (reply, model) => {
    const parts: Record<string, unknown>[] = [];
    if (reply.reasoning?.length) parts.push({ text: reply.reasoning.join(""), thought: true });
    if (replyText(reply) !== "") parts.push({ text: replyText(reply) });
    parts.push(...functionCallParts(reply));
    return response(parts, model, { finishReason: reply.finishReason ?? "STOP", usage: usageOf(reply) });
  },
  frames: (reply, model) => {
    const usage = usageOf(reply);
    const partial = { promptTokenCount: usage.promptTokenCount, totalTokenCount: usage.promptTokenCount };
    const frames: SseFrame[] = [];
    for (const text of reply.reasoning ?? []) frames.push({ data: JSON.stringify(response([{ text, thought: true }], model, { usage: partial })) });
    const firstContent = frames.length;
    const chunks = textChunks(reply);
    const calls = functionCallParts(reply);
    const finishReason = reply.finishReason ?? "STOP";
    chunks.forEach((text, index) => {
      const last = index === chunks.length - 1 && calls.length === 0;
      frames.push({ data: JSON.stringify(response([{ text }], model, last ? { finishReason, usage } : { usage: partial })) });
    });
    if (calls.length) frames.push({ data: JSON.stringify(response(calls, model, { finishReason, usage })) });
    if (chunks.length === 0 && calls.length === 0) frames.push({ data: JSON.stringify(response([{ text: "" }], model, { finishReason, usage })) });
    return { frames, firstContent };
  },
};

/** A fake Gemini API server (`/v1beta/models/{model}:generateContent|:streamGenerateContent?alt=sse`). */
export async function startFakeGemini(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  return startFakeServer(options, "", async (context: FakeContext) => {
    const path = context.request.path.split("?")[0] ?? "";
    if (options.apiKey && context.request.headers["x-goog-api-key"] !== options.apiKey) {
      sendJson(context.response, 400, GEMINI_FORMAT.errorBody(400, "API key not valid. Please pass a valid API key."));
      return;
    }
    if (context.request.method === "GET" && path === "/v1beta/models") {
      const models = options.models ?? ["gemini-fake"];
      sendJson(context.response, 200, { models: models.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ["generateContent"] })) });
      return;
    }
    if (context.request.method === "POST" && PATH.test(path)) {
      await serveScenario(GEMINI_FORMAT, context);
      return;
    }
    sendJson(context.response, 404, GEMINI_FORMAT.errorBody(404, `Unknown path ${path}`));
  });
}
