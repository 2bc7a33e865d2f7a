/**
 * A fast fake OpenAI chat-completions upstream on node:http (keep-alive), for the benchmark.
 * Its shape is reconfigured between scenarios through `POST /__config` (latency before the answer,
 * number of content chunks, interval between chunks), so one process serves the whole run.
 * Bodies are pre-serialised: the point is to cost as little CPU as possible next to the gateway.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface UpstreamShape {
  /** Delay before the response (non-stream) or before the first chunk (stream). */
  latencyMs: number;
  /** Content chunks per streamed answer (and words in a non-streamed one). */
  chunks: number;
  /** Delay between two streamed chunks. */
  chunkIntervalMs: number;
}

export const DEFAULT_SHAPE: UpstreamShape = { latencyMs: 0, chunks: 10, chunkIntervalMs: 0 };

export interface FakeUpstream {
  url: string;
  server: Server;
  shape(): UpstreamShape;
  configure(shape: Partial<UpstreamShape>): void;
  /** Streams currently open. */
  openStreams(): number;
  close(): Promise<void>;
}

const MODEL = "gpt-4o-mini";
const created = Math.floor(Date.now() / 1000);

function chunkLine(id: string, delta: Record<string, unknown>, finish: string | null, usage?: Record<string, number>): string {
  const body: Record<string, unknown> = { id, object: "chat.completion.chunk", created, model: MODEL, choices: [{ index: 0, delta, finish_reason: finish }] };
  if (usage) {
    body.choices = [];
    body.usage = usage;
  }
  return `data: ${JSON.stringify(body)}\n\n`;
}

interface Rendered {
  json: string;
  first: string;
  token: string;
  tail: string;
}

function render(chunks: number): Rendered {
  const id = "chatcmpl-bench";
  const usage = { prompt_tokens: 12, completion_tokens: chunks, total_tokens: 12 + chunks };
  const json = JSON.stringify({
    id, object: "chat.completion", created, model: MODEL,
    choices: [{ index: 0, message: { role: "assistant", content: "tok ".repeat(chunks).trimEnd() }, finish_reason: "stop", logprobs: null }],
    usage,
  });
  return {
    json,
    first: chunkLine(id, { role: "assistant", content: "tok " }, null),
    token: chunkLine(id, { content: "tok " }, null),
    tail: chunkLine(id, {}, "stop") + chunkLine(id, {}, null, usage) + "data: [DONE]\n\n",
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startFakeUpstream(options: { port?: number; shape?: Partial<UpstreamShape> } = {}): Promise<FakeUpstream> {
  let shape: UpstreamShape = { ...DEFAULT_SHAPE, ...options.shape };
  let rendered = render(shape.chunks);
  let open = 0;

  const stream = (response: ServerResponse) => {
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const { chunkIntervalMs, chunks } = shape;
    const body = rendered;
    open += 1;
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      open -= 1;
      if (timer) clearTimeout(timer);
    };
    response.on("close", finish);
    const tick = () => {
      if (finished) return;
      if (chunkIntervalMs === 0) {
        // Fast mode: the first chunk alone (so time to first token is observable), then the rest at once.
        response.write(sent === 0 ? body.first : body.token.repeat(chunks - 1) + body.tail);
        sent = sent === 0 ? 1 : chunks;
        if (sent >= chunks) { response.end(); finish(); return; }
        setImmediate(tick);
        return;
      }
      response.write(sent === 0 ? body.first : body.token);
      sent += 1;
      if (sent >= chunks) { response.end(body.tail); finish(); return; }
      timer = setTimeout(tick, chunkIntervalMs);
    };
    if (shape.latencyMs > 0) timer = setTimeout(tick, shape.latencyMs);
    else tick();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = await readBody(request);
    if (request.url === "/__config" && request.method === "POST") {
      shape = { ...shape, ...(JSON.parse(body || "{}") as Partial<UpstreamShape>) };
      rendered = render(shape.chunks);
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ shape, open }));
      return;
    }
    if (request.url === "/v1/models") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ object: "list", data: [{ id: MODEL, object: "model", owned_by: "bench" }] }));
      return;
    }
    if (request.url !== "/v1/chat/completions" || request.method !== "POST") {
      response.writeHead(404, { "content-type": "application/json" }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
      return;
    }
    // A cheap check instead of JSON.parse: the fake must stay far below the gateway's CPU cost.
    if (body.includes('"stream":true')) return stream(response);
    const json = rendered.json;
    const answer = () => response.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) }).end(json);
    if (shape.latencyMs > 0) setTimeout(answer, shape.latencyMs);
    else answer();
  };

  const server = createServer({ keepAliveTimeout: 60_000 }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  server.maxConnections = 1_000_000;
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    shape: () => shape,
    configure: (next) => {
      shape = { ...shape, ...next };
      rendered = render(shape.chunks);
    },
    openStreams: () => open,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
