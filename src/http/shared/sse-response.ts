import type { ServerResponse } from "node:http";

const SSE_HEADERS: Record<string, string> = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache",
  connection: "keep-alive",
  // Tell reverse proxies (nginx) not to buffer the stream.
  "x-accel-buffering": "no",
};

/**
 * One SSE response. Headers are sent lazily — with the first event or keep-alive — so a request
 * that fails before its first token can still answer with a proper HTTP error status.
 */
export class SseResponse {
  private opened = false;
  private keepAliveTimer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly response: ServerResponse,
    /** Extra headers, read at the moment the stream opens (route decision known by then, if any). */
    private readonly headers: () => Record<string, string>,
  ) {}

  get isOpen(): boolean {
    return this.opened;
  }

  get isClosed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  open(): void {
    if (this.opened) return;
    this.opened = true;
    const response = this.response;
    response.statusCode = 200;
    for (const name in SSE_HEADERS) response.setHeader(name, SSE_HEADERS[name] as string);
    const extra = this.headers();
    for (const name in extra) response.setHeader(name, extra[name] as string);
    response.flushHeaders();
  }

  /** Writes preformatted SSE text; resolves at once unless the socket's buffer is full. */
  write(text: string): Promise<void> | undefined {
    if (!this.opened) this.open();
    if (this.isClosed) return undefined;
    if (this.response.write(text)) return undefined;
    return waitForDrain(this.response);
  }

  /** Sends `text` (or what it returns) every `periodMs` until stopped, opening the stream on the first one. */
  startKeepAlive(periodMs: number, text: string | (() => string)): void {
    if (this.keepAliveTimer || periodMs <= 0) return;
    this.keepAliveTimer = setInterval(() => {
      if (this.isClosed) return this.stopKeepAlive();
      void this.write(typeof text === "string" ? text : text());
    }, periodMs);
    this.keepAliveTimer.unref?.();
  }

  stopKeepAlive(): void {
    if (!this.keepAliveTimer) return;
    clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = null;
  }

  end(text?: string): void {
    this.stopKeepAlive();
    if (this.isClosed) return;
    if (!this.opened) this.open();
    if (text) this.response.end(text);
    else this.response.end();
  }
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** An AbortController that fires when the client goes away before the response finished. */
export function abortOnClientClose(response: ServerResponse): AbortController {
  const controller = new AbortController();
  response.once("close", () => {
    if (!response.writableFinished) controller.abort(new Error("client closed the connection"));
  });
  return controller;
}
