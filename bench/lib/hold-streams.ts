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

/**
 * The same over graphql-ws: `count` completionStream subscriptions multiplexed over sockets of
 * `perSocket` each, so the gateway holds one upstream socket per stream but few client sockets —
 * how 10,000 streams fit under a 20,000 open-file limit (REST needs two descriptors per stream).
 */
export async function holdSubscriptions(httpUrl: string, key: string, input: Record<string, unknown>, count: number, onProgress: (opened: number) => void, perSocket = 100, batch = 250): Promise<HeldStreams> {
  const { createClient } = await import("graphql-ws");
  const { default: WebSocket } = await import("ws");
  const clients = Array.from({ length: Math.ceil(count / perSocket) }, () =>
    createClient({ url: `${httpUrl.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${key}` }, retryAttempts: 0, lazy: false }),
  );
  const unsubscribes: (() => void)[] = [];
  let opened = 0;
  let failed = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const query = "subscription Hold($input: CompletionInput!) { completionStream(input: $input) { __typename ... on CompletionFailed { code message } } }";
  const openOne = (index: number) =>
    new Promise<void>((resolve) => {
      let settled = false;
      const done = (error?: string) => {
        if (settled) return;
        settled = true;
        if (error) {
          failed += 1;
          firstError ??= error;
        } else opened += 1;
        resolve();
      };
      const unsubscribe = clients[Math.floor(index / perSocket)]!.subscribe<{ completionStream: { __typename: string; code?: string; message?: string } }>(
        { query, variables: { input } },
        {
          next: (result) => {
            const event = result.data?.completionStream;
            if (event?.__typename === "TokenDelta") done();
            else if (event?.__typename === "CompletionFailed") done(`${event.code}: ${event.message}`);
            else if (!event) done(JSON.stringify(result.errors ?? result));
          },
          error: (error) => done(error instanceof Error ? error.message : JSON.stringify(error)),
          complete: () => done("completed early"),
        },
      );
      unsubscribes.push(unsubscribe);
    });
  for (let done = 0; done < count; done += batch) {
    await Promise.all(Array.from({ length: Math.min(batch, count - done) }, (_, offset) => openOne(done + offset)));
    onProgress(opened);
  }
  return {
    opened,
    failed,
    firstError,
    openMs: performance.now() - started,
    close: () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const client of clients) void client.dispose();
    },
  };
}
