/** The bench harness modules load, and the fake upstream speaks OpenAI's chat-completions format. No timings. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeUpstream, type FakeUpstream } from "../../bench/lib/fake-upstream.js";
import { percentiles } from "../../bench/lib/measure.js";
import { topSelfTime } from "../../bench/profile-top.js";

describe("bench harness", () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream({ shape: { chunks: 3 } });
  });
  afterAll(() => upstream.close());

  it("loads the drivers and the report", async () => {
    const modules = await Promise.all([import("../../bench/lib/load.js"), import("../../bench/lib/graphql-ws-load.js"), import("../../bench/lib/hold-streams.js"), import("../../bench/lib/report.js"), import("../../bench/lib/scenarios.js")]);
    expect(modules.every((module) => Object.keys(module).length > 0)).toBe(true);
  });

  it("answers a non-streamed chat completion with usage", async () => {
    const response = await fetch(`${upstream.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }) });
    const body = (await response.json()) as { object: string; choices: { message: { content: string }; finish_reason: string }[]; usage: { completion_tokens: number } };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0]!.message.content).toBe("tok tok tok");
    expect(body.choices[0]!.finish_reason).toBe("stop");
    expect(body.usage.completion_tokens).toBe(3);
  });

  it("streams chunks, a finish chunk, a usage chunk and [DONE]", async () => {
    upstream.configure({ chunks: 4, chunkIntervalMs: 1 });
    const response = await fetch(`${upstream.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [] }) });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const events = (await response.text()).split("\n\n").filter(Boolean).map((event) => event.replace(/^data: /, ""));
    expect(events.at(-1)).toBe("[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event) as { object: string; choices: { delta: { content?: string }; finish_reason: string | null }[]; usage?: { total_tokens: number } });
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? "")).join("")).toBe("tok tok tok tok ");
    expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
    expect(chunks.at(-1)!.usage!.total_tokens).toBe(16);
    expect(upstream.openStreams()).toBe(0);
  });

  it("computes percentiles and summarises a profile", () => {
    expect(percentiles([5, 1, 3, 2, 4])).toMatchObject({ p50: 3, p99: 5, count: 5 });
    const profile = { nodes: [{ id: 1, callFrame: { functionName: "(root)", url: "", lineNumber: 0 }, children: [2] }, { id: 2, callFrame: { functionName: "hot", url: "file:///work/main/src/x.ts", lineNumber: 9 } }], samples: [2, 2, 1], timeDeltas: [10, 10, 5] };
    expect(topSelfTime(profile, 5).functions[0]).toEqual(["hot src/x.ts:10", 20]);
  });
});
