import { countTokens } from "gpt-tokenizer";
import { describe, expect, it } from "vitest";
import type { ChatRequest } from "../../core/model/chat-request.js";
import { collectParts, textOf } from "../shared/test-helpers.js";
import { createLocalProvider } from "./local.adapter.js";

const provider = createLocalProvider({ tokenDelayMs: 0 });
const request: ChatRequest = { messages: [{ role: "system", content: "sys" }, { role: "user", content: "Héllo wörld, how are you? ✓" }] };

describe("local provider", () => {
  it("echo repeats the last user message token by token with tokenizer counts", async () => {
    const parts = await collectParts(provider.languageModel("echo").stream(request, {}));
    expect(textOf(parts)).toBe("Héllo wörld, how are you? ✓");
    const deltas = parts.filter((part) => part.type === "text-delta");
    expect(deltas.length).toBeGreaterThan(3);
    expect(parts.at(-1)).toMatchObject({
      type: "finish",
      finishReason: "stop",
      usage: { outputTokens: countTokens("Héllo wörld, how are you? ✓"), inputTokens: 3 + 3 + countTokens("sys") + 3 + countTokens("Héllo wörld, how are you? ✓") },
    });
  });

  it("lorem is deterministic per prompt and different across prompts", async () => {
    const model = provider.languageModel("lorem");
    const first = await model.generate(request, {});
    const again = textOf(await collectParts(model.stream(request, {})));
    const other = await model.generate({ messages: [{ role: "user", content: "something else" }] }, {});
    expect(again).toBe(first.text);
    expect(other.text).not.toBe(first.text);
    expect(first.text).toMatch(/^[A-Z][a-z ]+\./);
    expect(first.usage?.outputTokens).toBe(countTokens(first.text));
  });

  it("honours maxOutputTokens with finish length", async () => {
    const result = await provider.languageModel("lorem").generate({ ...request, maxOutputTokens: 5 }, {});
    expect(result.finishReason).toBe("length");
    expect(result.usage?.outputTokens).toBe(5);
    expect(countTokens(result.text)).toBeLessThanOrEqual(5);
  });

  it("paces tokens and stops at once on abort", async () => {
    const slow = createLocalProvider({ tokenDelayMs: 1_000 });
    const controller = new AbortController();
    const iterator = slow.languageModel("lorem").stream(request, { signal: controller.signal })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: "start" });
    const pending = iterator.next();
    const started = performance.now();
    controller.abort();
    await expect(pending).rejects.toMatchObject({ kind: "aborted" });
    expect(performance.now() - started).toBeLessThan(100);
  });

  it("rejects unknown models and warns about tools", async () => {
    await expect(provider.languageModel("nope").generate(request, {})).rejects.toMatchObject({ kind: "not_found" });
    expect(provider.languageModel("echo").warnings({ ...request, tools: [{ name: "t", parameters: {} }] })).toHaveLength(1);
    expect(await provider.listModels()).toEqual(["echo", "lorem"]);
  });
});
