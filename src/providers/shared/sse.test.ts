import { describe, expect, it } from "vitest";
import { parseEventJson, readSseEvents } from "./sse.js";

async function* bytes(text: string, size: number): AsyncGenerator<Uint8Array> {
  const encoded = new TextEncoder().encode(text);
  for (let index = 0; index < encoded.length; index += size) yield encoded.slice(index, index + size);
}

describe("readSseEvents", () => {
  it("is robust to any chunk boundary, multi-byte characters included", async () => {
    const text = 'event: a\ndata: {"t":"héllo ✓"}\n\n: comment\n\ndata: [DONE]\n\n';
    for (const size of [1, 2, 3, 7, 1000]) {
      const events = [];
      for await (const event of readSseEvents(bytes(text, size))) events.push(event);
      expect(events.map((event) => [event.event, event.data])).toEqual([
        ["a", '{"t":"héllo ✓"}'],
        [undefined, "[DONE]"],
      ]);
    }
  });

  it("rejects malformed JSON data as a retryable server error", () => {
    expect(() => parseEventJson({ data: "{oops" }, "p")).toThrowError(expect.objectContaining({ kind: "server", isRetryable: true }));
  });
});
