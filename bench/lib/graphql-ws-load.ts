/** `completionStream` over graphql-ws: time to the first TokenDelta and to the settled event. */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { percentiles } from "./measure.js";
import type { LoadResult } from "./load.js";

const SUBSCRIPTION = /* GraphQL */ `
  subscription Bench($input: CompletionInput!) {
    completionStream(input: $input) {
      __typename
      ... on TokenDelta { index text }
      ... on CompletionFinished { requestId finishReason }
      ... on CompletionFailed { code message }
    }
  }
`;

function connect(httpUrl: string, key: string): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: false,
  });
}

function subscribeOnce(client: Client, input: Record<string, unknown>): Promise<{ ttft: number; total: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttft = -1;
    let failed: string | null = null;
    client.subscribe<{ completionStream: { __typename: string; code?: string; message?: string } }>(
      { query: SUBSCRIPTION, variables: { input } },
      {
        next: (result) => {
          const event = result.data?.completionStream;
          if (!event) failed = JSON.stringify(result.errors ?? result);
          else if (event.__typename === "TokenDelta" && ttft < 0) ttft = performance.now() - started;
          else if (event.__typename === "CompletionFailed") failed = `${event.code}: ${event.message}`;
        },
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => (failed ? reject(new Error(failed)) : resolve({ ttft, total: performance.now() - started })),
      },
    );
  });
}

/** `concurrency` closed loops of subscriptions, multiplexed over up to 8 sockets. */
export async function runGraphQLWsLoop(httpUrl: string, key: string, input: Record<string, unknown>, concurrency: number, durationSec: number): Promise<LoadResult & { firstError?: string }> {
  const clients = Array.from({ length: Math.min(8, concurrency) }, () => connect(httpUrl, key));
  const ttft: number[] = [];
  const total: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + durationSec * 1000;
  const loop = async (index: number) => {
    const client = clients[index % clients.length]!;
    while (performance.now() < deadline) {
      try {
        const sample = await subscribeOnce(client, input);
        ttft.push(sample.ttft);
        total.push(sample.total);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        if (errors > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, index) => loop(index)));
  const elapsed = (performance.now() - started) / 1000;
  await Promise.all(clients.map((client) => client.dispose()));
  return { requests: total.length, errors, rps: total.length / elapsed, latencyMs: percentiles(total), ttftMs: percentiles(ttft), firstError };
}
