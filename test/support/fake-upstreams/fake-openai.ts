import type { FakeContext } from "./fake-server.js";
import { sendJson, startFakeServer } from "./fake-server.js";
import type { FakeUpstream, FakeUpstreamOptions } from "./scenario.js";
import { replyText, serveScenario, splitArguments, textChunks } from "./wire-format.js";
import type { ReplyScenario, SseFrame, WireFormat } from "./wire-format.js";

export interface FakeOpenAIOptions extends FakeUpstreamOptions {
  /** "deepseek": root base URL (no /v1) and DeepSeek's prompt_cache_hit/miss usage fields. */
  dialect?: "openai" | "deepseek";
}

const CREATED = 1_700_000_000;

function errorType(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: "authentication_error", code: "invalid_api_key" };
  if (status === 404) return { type: "invalid_request_error", code: "model_not_found" };
  if (status === 429) return { type: "rate_limit_error", code: "rate_limit_exceeded" };
  if (status >= 500) return { type: "server_error", code: null };
  return { type: "invalid_request_error", code: null };
}

function usageOf(reply: ReplyScenario, dialect: "openai" | "deepseek"): Record<string, unknown> {
  if (reply.rawUsage) return reply.rawUsage;
  const usage = reply.usage ?? { inputTokens: 10, outputTokens: Math.max(1, textChunks(reply).length) };
  const cached = usage.cachedInputTokens ?? 0;
  const base = {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
  };
  const completionDetails = { reasoning_tokens: usage.reasoningTokens ?? 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 };
  if (dialect === "deepseek") {
    return { ...base, prompt_tokens_details: { cached_tokens: cached }, completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 }, prompt_cache_hit_tokens: cached, prompt_cache_miss_tokens: usage.inputTokens - cached };
  }
  return { ...base, prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 }, completion_tokens_details: completionDetails };
}

function finishOf(reply: ReplyScenario): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_calls" : "stop");
}

function openAIFormat(dialect: "openai" | "deepseek"): WireFormat {
  return {
    isStream: (context) => (context.request.body as { stream?: unknown } | null)?.stream === true,
    model: (context) => String((context.request.body as { model?: unknown } | null)?.model ?? "gpt-fake"),
    errorBody: (status, message) => ({ error: { message, ...errorType(status), param: null } }),
    // What OpenAI sends when a stream fails after its 200: an unnamed event with only `error` (no choices).
    streamError: (message, type) => ({
      data: JSON.stringify({ error: { message: message ?? "The server had an error while processing your request. Sorry about that!", type: type ?? "server_error", param: null, code: null } }),
    }),
    body: (reply, model) => {
      const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
        id: call.id ?? `call_${index}`,
        type: "function",
        function: { name: call.name, arguments: call.arguments },
      }));
      const text = replyText(reply);
      const message: Record<string, unknown> = { role: "assistant", content: text === "" && toolCalls.length ? null : text, refusal: null, annotations: [] };
      if (reply.reasoning?.length) message.reasoning_content = reply.reasoning.join("");
      if (toolCalls.length) message.tool_calls = toolCalls;
      return {
        id: "chatcmpl-fake123",
        object: "chat.completion",
        created: CREATED,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishOf(reply) }],
        usage: usageOf(reply, dialect),
        service_tier: "default",
        system_fingerprint: "fp_fake",
      };
    },
    frames: (reply, model, context) => {
      const includeUsage = (context.request.body as { stream_options?: { include_usage?: unknown } } | null)?.stream_options?.include_usage === true;
      const chunk = (choices: unknown[], usage?: unknown): SseFrame => ({
        data: JSON.stringify({
          id: "chatcmpl-fake123",
          object: "chat.completion.chunk",
          created: CREATED,
          model,
          service_tier: "default",
          system_fingerprint: "fp_fake",
          choices,
          ...(includeUsage ? { usage: usage ?? null } : {}),
        }),
      });
      const delta = (value: Record<string, unknown>, finish: string | null = null) => chunk([{ index: 0, delta: value, logprobs: null, finish_reason: finish }]);
      const frames: SseFrame[] = [delta({ role: "assistant", content: "", refusal: null })];
      for (const text of reply.reasoning ?? []) frames.push(delta({ reasoning_content: text }));
      const firstContent = frames.length;
      for (const text of textChunks(reply)) frames.push(delta({ content: text }));
      (reply.toolCalls ?? []).forEach((call, index) => {
        frames.push(delta({ tool_calls: [{ index, id: call.id ?? `call_${index}`, type: "function", function: { name: call.name, arguments: "" } }] }));
        for (const part of splitArguments(call.arguments)) frames.push(delta({ tool_calls: [{ index, function: { arguments: part } }] }));
      });
      frames.push(delta({}, finishOf(reply)));
      // With include_usage, a last chunk with empty choices carries the usage (none without it).
      if (includeUsage) frames.push(chunk([], usageOf(reply, dialect)));
      frames.push({ data: "[DONE]" });
      return { frames, firstContent };
    },
  };
}

/** A fake OpenAI chat-completions server (`/v1/chat/completions`, `/v1/models`). */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeUpstream> {
  const dialect = options.dialect ?? "openai";
  const format = openAIFormat(dialect);
  const prefix = dialect === "deepseek" ? "" : "/v1";
  return startFakeServer(options, prefix, async (context: FakeContext) => {
    const path = context.request.path.split("?")[0] ?? "";
    if (options.apiKey && context.request.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendJson(context.response, 401, format.errorBody(401, "Incorrect API key provided"));
      return;
    }
    if (context.request.method === "GET" && path === `${prefix}/models`) {
      const models = options.models ?? ["gpt-fake", "gpt-fake-mini"];
      sendJson(context.response, 200, { object: "list", data: models.map((id) => ({ id, object: "model", created: CREATED, owned_by: "fake" })) });
      return;
    }
    if (context.request.method === "POST" && path === `${prefix}/chat/completions`) {
      await serveScenario(format, context);
      return;
    }
    sendJson(context.response, 404, format.errorBody(404, `Unknown path ${path}`));
  });
}
