import { describe, expect, it } from "vitest";
import { AppError } from "../../core/model/errors.js";
import { parseMessagesRequest } from "../anthropic/messages.request.js";
import { parseChatCompletionRequest } from "./chat-completions.request.js";

describe("OpenAI chat request translation", () => {
  it("maps messages, multimodal parts, tools, formats and options; keeps unknown fields as pass-through", () => {
    const call = parseChatCompletionRequest({
      model: "route:cheap",
      messages: [
        { role: "developer", content: "rules" },
        { role: "user", content: [{ type: "text", text: "what is" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAA", detail: "low" } }] },
        { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "c1", content: "42" },
      ],
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
      tool_choice: { type: "function", function: { name: "f" } },
      response_format: { type: "json_schema", json_schema: { name: "s", schema: { type: "object" }, strict: true } },
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: "x",
      reasoning_effort: "minimal",
      stream: true,
      stream_options: { include_usage: true },
      logprobs: true,
    });
    expect(call).toMatchObject({ target: "route:cheap", stream: true, includeUsage: true });
    expect(call.request).toEqual({
      messages: [
        { role: "system", content: "rules" },
        { role: "user", content: [{ type: "text", text: "what is" }, { type: "image", url: "data:image/png;base64,AAA", mediaType: "image/png", detail: "low" }] },
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "f", arguments: "{}" }] },
        { role: "tool", content: "42", toolCallId: "c1" },
      ],
      tools: [{ name: "f", parameters: { type: "object" } }],
      toolChoice: { type: "tool", name: "f" },
      responseFormat: { type: "json_schema", name: "s", schema: { type: "object" }, strict: true },
      maxOutputTokens: 20,
      stop: ["x"],
      reasoningEffort: "low",
      passthrough: { protocol: "openai-chat", fields: { logprobs: true } },
    });
  });

  it("rejects n > 1 and invalid bodies with BAD_USER_INPUT naming the field", () => {
    expect(() => parseChatCompletionRequest({ model: "m", messages: [{ role: "user", content: "x" }], n: 3 })).toThrow(/n > 1/);
    const error = (() => {
      try {
        parseChatCompletionRequest({ messages: [{ role: "user", content: 5 }] });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", details: { param: "messages[0].content" } });
  });
});

describe("Anthropic messages request translation", () => {
  it("splits tool results into tool messages and joins assistant tool_use into tool calls", () => {
    const call = parseMessagesRequest({
      model: "openai/gpt-4o-mini",
      max_tokens: 5,
      system: [{ type: "text", text: "a" }, { type: "text", text: "b" }],
      messages: [
        { role: "user", content: "q" },
        { role: "assistant", content: [{ type: "text", text: "t" }, { type: "tool_use", id: "u1", name: "f", input: { a: 1 } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "u1", content: "r", is_error: true }, { type: "text", text: "next" }] },
      ],
      tool_choice: { type: "any" },
      stop_sequences: ["S"],
      metadata: { user_id: "u" },
      thinking: { type: "enabled", budget_tokens: 1000 },
    });
    expect(call.request).toEqual({
      messages: [
        { role: "system", content: "a\nb" },
        { role: "user", content: "q" },
        { role: "assistant", content: "t", toolCalls: [{ id: "u1", name: "f", arguments: '{"a":1}' }] },
        { role: "tool", content: "Error: r", toolCallId: "u1" },
        { role: "user", content: "next" },
      ],
      maxOutputTokens: 5,
      toolChoice: "required",
      stop: ["S"],
      user: "u",
      passthrough: { protocol: "anthropic-messages", fields: { thinking: { type: "enabled", budget_tokens: 1000 } } },
    });
  });
});
