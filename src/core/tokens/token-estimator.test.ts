import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../model/chat-request.js";
import { countPromptTokens, countText, estimatePromptTokens, measurePrompt, promptUpperBound } from "./token-estimator.js";

const request: ChatRequest = {
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: [{ type: "text", text: "Describe 😀 and 日本語 in this picture" }, { type: "image", url: "https://x/y.png" }] },
  ],
  tools: [{ name: "lookup", description: "find a thing", parameters: { type: "object", properties: { q: { type: "string" } } } }],
};

describe("token estimation", () => {
  it("the cheap upper bound is never below the exact count", () => {
    const exact = countPromptTokens(request);
    expect(promptUpperBound(measurePrompt(request))).toBeGreaterThanOrEqual(exact);
    const emoji: ChatRequest = { messages: [{ role: "user", content: "😀🙂🤖🧪".repeat(50) }] };
    expect(promptUpperBound(measurePrompt(emoji))).toBeGreaterThanOrEqual(countPromptTokens(emoji));
  });

  it("does not tokenize when the bound fits the limit, does when it does not", () => {
    const cheap = estimatePromptTokens(request, { limit: 1_000_000 });
    expect(cheap.exact).toBe(false);
    const tight = estimatePromptTokens(request, { limit: 10 });
    expect(tight.exact).toBe(true);
    expect(tight.tokens).toBe(countPromptTokens(request));
    expect(tight.tokens).toBeLessThanOrEqual(cheap.upperBound);
  });

  it("counts text with o200k", () => {
    expect(countText("")).toBe(0);
    expect(countText("hello world")).toBe(2);
  });
});
