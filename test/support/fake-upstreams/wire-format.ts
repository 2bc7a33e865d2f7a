import type { FakeContext } from "./fake-server.js";
import { lastUserTextOf, paced, sendJson, startSse, wait, writeSse } from "./fake-server.js";
import { defaultReply } from "./scenario.js";
import type { FakeScenario } from "./scenario.js";

export type ReplyScenario = Extract<FakeScenario, { type: "reply" }>;

export interface SseFrame {
  event?: string;
  data: string;
}

/** How one provider's wire format renders the shared scenarios. */
export interface WireFormat {
  isStream(context: FakeContext): boolean;
  model(context: FakeContext): string;
  /** Non-stream response body. */
  body(reply: ReplyScenario, model: string): unknown;
  /** Stream frames, and the index of the frame carrying the first content (where "after first chunk" faults strike). */
  frames(reply: ReplyScenario, model: string, context: FakeContext): { frames: SseFrame[]; firstContent: number };
  errorBody(status: number, message: string): unknown;
  /** The provider's in-stream error event (inside a 200 stream). */
  streamError(message: string | undefined, errorType: string | undefined): SseFrame;
}

const DEFAULT_FAULT_CHUNKS = ["Hello", " there"];

function faultReply(chunks: string[] | undefined): ReplyScenario {
  return { type: "reply", chunks: chunks ?? DEFAULT_FAULT_CHUNKS, usage: { inputTokens: 10, outputTokens: 2 } };
}

async function writeFrames(context: FakeContext, frames: SseFrame[], upTo: number, interval: number | undefined): Promise<boolean> {
  return paced({ chunkIntervalMs: interval }, upTo, (index) => writeSse(context.response, frames[index]!.data, frames[index]!.event));
}

async function serveReply(format: WireFormat, context: FakeContext, reply: ReplyScenario): Promise<void> {
  await wait(reply.firstChunkDelayMs ?? 0);
  const model = format.model(context);
  if (!format.isStream(context)) {
    sendJson(context.response, 200, format.body(reply, model));
    return;
  }
  startSse(context.response);
  const { frames, firstContent } = format.frames(reply, model, context);
  if (reply.firstContentDelayMs !== undefined) {
    if (!(await writeFrames(context, frames, firstContent, 0))) return;
    await wait(reply.firstContentDelayMs);
    const rest = frames.slice(firstContent);
    if (await paced(reply, rest.length, (index) => writeSse(context.response, rest[index]!.data, rest[index]!.event))) context.response.end();
    return;
  }
  if (await writeFrames(context, frames, frames.length, reply.chunkIntervalMs)) context.response.end();
}

async function serveStreamError(format: WireFormat, context: FakeContext, scenario: Extract<FakeScenario, { type: "stream-error" }>): Promise<void> {
  const { response } = context;
  if (!format.isStream(context)) {
    sendJson(response, 503, format.errorBody(503, scenario.message ?? "Overloaded"));
    return;
  }
  const reply = faultReply(scenario.chunks);
  startSse(response);
  const { frames, firstContent } = format.frames(reply, format.model(context), context);
  const upTo = firstContent + Math.min(scenario.afterChunks ?? 1, textChunks(reply).length);
  if (!(await writeFrames(context, frames, upTo, scenario.chunkIntervalMs))) return;
  const error = format.streamError(scenario.message, scenario.errorType);
  writeSse(response, error.data, error.event);
  response.end();
}

async function serveFault(format: WireFormat, context: FakeContext, scenario: Exclude<FakeScenario, ReplyScenario>): Promise<void> {
  const { response, socket } = context;
  if (scenario.type === "stream-error") {
    await serveStreamError(format, context, scenario);
    return;
  }
  if (scenario.type === "error") {
    const body = scenario.body ?? format.errorBody(scenario.status, scenario.message ?? `Fake upstream error ${scenario.status}`);
    sendJson(response, scenario.status, body, scenario.headers);
    return;
  }
  if (scenario.type === "drop" && scenario.when === "before-first-chunk") {
    socket.destroy();
    return;
  }
  if (scenario.type === "stall" && !scenario.afterFirstChunk) return; // silent until the client leaves
  const reply = faultReply(scenario.chunks);
  if (!format.isStream(context)) {
    if (scenario.type === "malformed-sse") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{\"id\": \"broken");
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.flushHeaders();
    if (scenario.type === "drop") socket.destroy();
    return;
  }
  startSse(response);
  const { frames, firstContent } = format.frames(reply, format.model(context), context);
  await writeFrames(context, frames, firstContent + 1, 0);
  // Let the first chunk reach the client before the connection dies, as a real mid-stream drop does.
  if (scenario.type === "drop") await wait(20).then(() => socket.destroy());
  if (scenario.type === "malformed-sse") {
    response.write("data: {\"choices\": [ this is not json\n\n");
    response.end();
  }
}

/** Serves the scripted scenario (or the default reply) in the given wire format. */
export async function serveScenario(format: WireFormat, context: FakeContext): Promise<void> {
  const scenario = context.scenario ?? defaultReply(lastUserTextOf(context.request.body));
  if (scenario.type === "reply") await serveReply(format, context, scenario);
  else await serveFault(format, context, scenario);
}

export function replyText(reply: ReplyScenario): string {
  return (reply.chunks ?? []).join("");
}

export function textChunks(reply: ReplyScenario): string[] {
  return reply.chunks ?? [];
}

/** Splits a tool call's argument JSON into two fragments, as real streams do. */
export function splitArguments(text: string): string[] {
  if (text.length < 2) return [text];
  const middle = Math.floor(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}
