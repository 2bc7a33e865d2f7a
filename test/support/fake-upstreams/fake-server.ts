import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { FakeScenario, FakeUpstream, FakeUpstreamOptions, RecordedRequest } from "./scenario.js";

export interface FakeContext {
  request: RecordedRequest;
  response: ServerResponse;
  /** The scripted scenario for this request, or undefined for the default reply. */
  scenario: FakeScenario | undefined;
  socket: Socket;
}

export type FakeHandler = (context: FakeContext) => Promise<void> | void;

export const wait = (ms: number): Promise<void> => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

/** Writes an SSE event; returns false once the client has gone. */
export function writeSse(response: ServerResponse, data: string, event?: string): boolean {
  if (response.destroyed || response.writableEnded) return false;
  response.write(`${event ? `event: ${event}\n` : ""}data: ${data}\n\n`);
  return true;
}

export function startSse(response: ServerResponse): void {
  response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  response.flushHeaders();
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A node:http server with socket accounting, request recording and a scenario queue. */
export async function startFakeServer(options: FakeUpstreamOptions, basePath: string, handler: FakeHandler): Promise<FakeUpstream> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const queue: FakeScenario[] = [];
  const server = createServer((incoming, response) => {
    void (async () => {
      const recorded: RecordedRequest = {
        method: incoming.method ?? "GET",
        path: incoming.url ?? "/",
        headers: incoming.headers,
        body: await readBody(incoming),
      };
      requests.push(recorded);
      const isModelCall = recorded.method === "POST";
      await handler({ request: recorded, response, scenario: isModelCall ? queue.shift() : undefined, socket: incoming.socket });
    })().catch(() => incoming.socket.destroy());
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: origin + basePath,
    origin,
    requests,
    script: (...scenarios) => queue.push(...scenarios),
    openSockets: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Text of the last user message of an OpenAI / Anthropic / Gemini request body. */
export function lastUserTextOf(body: unknown): string {
  if (typeof body !== "object" || body === null) return "";
  const record = body as Record<string, unknown>;
  const list = Array.isArray(record.messages) ? record.messages : Array.isArray(record.contents) ? record.contents : [];
  for (let index = list.length - 1; index >= 0; index--) {
    const message = list[index] as Record<string, unknown>;
    if (message.role !== "user") continue;
    const content = message.content ?? message.parts;
    if (typeof content === "string") return content;
    if (Array.isArray(content)) {
      return content
        .map((part: unknown) => (typeof part === "object" && part !== null && typeof (part as { text?: unknown }).text === "string" ? (part as { text: string }).text : ""))
        .join("");
    }
  }
  return "";
}

/** Streams `count` chunks with the scenario's pacing; `write(i)` returns false when the client left. */
export async function paced(
  scenario: { chunkIntervalMs?: number },
  count: number,
  write: (index: number) => boolean,
): Promise<boolean> {
  for (let index = 0; index < count; index++) {
    if (index > 0) await wait(scenario.chunkIntervalMs ?? 0);
    if (!write(index)) return false;
  }
  return true;
}
