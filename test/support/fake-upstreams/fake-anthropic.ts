import type { FakeContext } from "./fake-server.js";
import { sendJson, startFakeServer } from "./fake-server.js";
import type { FakeUpstream, FakeUpstreamOptions } from "./scenario.js";
import { replyText, serveScenario, splitArguments, textChunks } from "./wire-format.js";
import type { ReplyScenario, SseFrame, WireFormat } from "./wire-format.js";

function errorType(status: number): string {
  if (status === 400 || status === 413 || status === 422) return status === 413 ? "request_too_large" : "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 529 || status === 503) return "overloaded_error";
  return "api_error";
}

/** Wire usage: Anthropic's input_tokens excludes cache reads and writes. */
function usageOf(reply: ReplyScenario): Record<string, number> {
  if (reply.rawUsage) return reply.rawUsage as Record<string, number>;
  const usage = reply.usage ?? { inputTokens: 10, outputTokens: Math.max(1, textChunks(reply).length) };
  const read = usage.cachedInputTokens ?? 0;
  const write = usage.cacheWriteInputTokens ?? 0;
  return { input_tokens: usage.inputTokens - read - write, cache_creation_input_tokens: write, cache_read_input_tokens: read, output_tokens: usage.outputTokens };
}

function stopReason(reply: ReplyScenario): string {
  return reply.finishReason ?? (reply.toolCalls?.length ? "tool_use" : "end_turn");
}

const frame = (type: string, payload: Record<string, unknown>): SseFrame => ({ event: type, data: JSON.stringify({ type, ...payload }) });

const ANTHROPIC_FORMAT: WireFormat = {
  isStream: (context) => (context.request.body as { stream?: unknown } | null)?.stream === true,
  model: (context) => String((context.request.body as { model?: unknown } | null)?.model ?? "claude-fake"),
  errorBody: (status, message) => ({ type: "error", error: { type: errorType(status), message }, request_id: "req_fake" }),
  // https://docs.anthropic.com/en/api/messages-streaming#error-events: sent inside a 200 stream under load.
  streamError: (message, type) => frame("error", { error: { type: type ?? "overloaded_error", message: message ?? "Overloaded" } }),
  body: (reply, model) => {
    const content: Record<string, unknown>[] = [];
    if (reply.reasoning?.length) content.push({ type: "thinking", thinking: reply.reasoning.join(""), signature: "sig_fake" });
    if (replyText(reply) !== "" || !reply.toolCalls?.length) content.push({ type: "text", text: replyText(reply) });
    (reply.toolCalls ?? []).forEach((call, index) => {
      content.push({ type: "tool_use", id: call.id ?? `toolu_${index}`, name: call.name, input: JSON.parse(call.arguments) as unknown });
    });
    return {
      id: "msg_fake123",
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: stopReason(reply),
      stop_sequence: null,
      usage: { ...usageOf(reply), service_tier: "standard" },
    };
  },
  frames: (reply, model) => {
    const usage = usageOf(reply);
    const frames: SseFrame[] = [
      frame("message_start", {
        message: {
          id: "msg_fake123", type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null,
          usage: { ...usage, output_tokens: 1, service_tier: "standard" },
        },
      }),
    ];
    let index = 0;
    if (reply.reasoning?.length) {
      frames.push(frame("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } }));
      for (const text of reply.reasoning) frames.push(frame("content_block_delta", { index, delta: { type: "thinking_delta", thinking: text } }));
      frames.push(frame("content_block_delta", { index, delta: { type: "signature_delta", signature: "sig_fake" } }));
      frames.push(frame("content_block_stop", { index }));
      index++;
    }
    frames.push(frame("content_block_start", { index, content_block: { type: "text", text: "" } }));
    frames.push(frame("ping", {}));
    const firstContent = frames.length;
    for (const text of textChunks(reply)) frames.push(frame("content_block_delta", { index, delta: { type: "text_delta", text } }));
    frames.push(frame("content_block_stop", { index }));
    (reply.toolCalls ?? []).forEach((call, toolIndex) => {
      index++;
      frames.push(frame("content_block_start", { index, content_block: { type: "tool_use", id: call.id ?? `toolu_${toolIndex}`, name: call.name, input: {} } }));
      for (const part of splitArguments(call.arguments)) frames.push(frame("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part } }));
      frames.push(frame("content_block_stop", { index }));
    });
    frames.push(frame("message_delta", { delta: { stop_reason: stopReason(reply), stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }));
    frames.push(frame("message_stop", {}));
    return { frames, firstContent };
  },
};

/** A fake Anthropic Messages server (`/v1/messages`, `/v1/models`). baseUrl has no `/v1` (SPEC §8). */
export async function startFakeAnthropic(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  return startFakeServer(options, "", async (context: FakeContext) => {
    const path = context.request.path.split("?")[0] ?? "";
    const headers = context.request.headers;
    const key = headers["x-api-key"] ?? (typeof headers.authorization === "string" ? headers.authorization.replace(/^Bearer /, "") : undefined);
    if (options.apiKey && key !== options.apiKey) {
      sendJson(context.response, 401, ANTHROPIC_FORMAT.errorBody(401, "invalid x-api-key"));
      return;
    }
    if (context.request.method === "GET" && path === "/v1/models") {
      const models = options.models ?? ["claude-fake"];
      sendJson(context.response, 200, {
        data: models.map((id) => ({ type: "model", id, display_name: id, created_at: "2025-01-01T00:00:00Z" })),
        has_more: false, first_id: models[0] ?? null, last_id: models[models.length - 1] ?? null,
      });
      return;
    }
    if (context.request.method === "POST" && path === "/v1/messages") {
      await serveScenario(ANTHROPIC_FORMAT, context);
      return;
    }
    sendJson(context.response, 404, ANTHROPIC_FORMAT.errorBody(404, `Unknown path ${path}`));
  });
}
