/**
 * Opens N streamed completions against a slow upstream and keeps them open: each is established once
 * its first token has arrived. One keep-alive socket per stream (HTTP/1.1 cannot multiplex).
 */
import { Agent, request, type ClientRequest } from "node:http";
import type { HttpTarget } from "./load.js";

export interface HeldStreams {
  opened: number;
  failed: number;
  firstError?: string;
  openMs: number;
  close(): void;
}

export async function holdStreams(target: HttpTarget, count: number, onProgress: (opened: number) => void, batch = 250): Promise<HeldStreams> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const requests: ClientRequest[] = [];
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const openOne = () =>
    new Promise<void>((resolve) => {
      const outgoing = request(target.url, { method: "POST", headers: target.headers, agent }, (response) => {
        if (response.statusCode !== 200) {
          failed += 1;
          firstError ??= `status ${response.statusCode}`;
          response.resume();
          resolve();
          return;
        }
        response.setEncoding("utf8");
        let established = false;
        response.on("data", (chunk: string) => {
          if (!established && chunk.includes("tok")) {
            established = true;
            opened += 1;
            resolve();
          }
        });
        response.on("error", () => undefined);
        response.on("end", () => resolve());
      });
      outgoing.on("error", (error) => {
        failed += 1;
        firstError ??= error.message;
        resolve();
      });
      outgoing.end(target.body);
      requests.push(outgoing);
    });
  for (let done = 0; done < count; done += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - done) }, openOne));
    onProgress(opened);
  }
  return {
    opened,
    failed,
    firstError,
    openMs: performance.now() - started,
    close: () => {
      for (const outgoing of requests) outgoing.destroy();
      agent.destroy();
    },
  };
}
