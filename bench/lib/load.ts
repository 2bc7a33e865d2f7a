/**
 * Load drivers. Non-streamed requests go through autocannon; its own histogram has 1 ms buckets, so
 * latencies are taken from its `response` events (hrtime, fractional ms) instead. Streams use a raw
 * node:http client that timestamps the first token, since autocannon only sees whole responses.
 */
import autocannon from "autocannon";
import { Agent, request } from "node:http";
import { percentiles, type Percentiles } from "./measure.js";

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  latencyMs: Percentiles;
  /** Streams only. */
  ttftMs?: Percentiles;
}

export interface HttpTarget {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export async function runAutocannon(target: HttpTarget, connections: number, durationSec: number): Promise<LoadResult> {
  const samples: number[] = [];
  let errors = 0;
  const instance = autocannon({
    url: target.url,
    method: "POST",
    body: target.body,
    headers: target.headers,
    connections,
    duration: durationSec,
  });
  instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (statusCode >= 200 && statusCode < 300) samples.push(responseTime);
    else errors += 1;
  });
  const result = await instance;
  return {
    requests: samples.length,
    errors: errors + result.errors + result.timeouts,
    rps: samples.length / result.duration,
    latencyMs: percentiles(samples),
  };
}

/** One streamed POST; resolves with the time to the first content byte and the total time. */
function streamOnce(target: HttpTarget, agent: Agent, marker: string): Promise<{ ttft: number; total: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let ttft = -1;
    const outgoing = request(target.url, { method: "POST", headers: target.headers, agent }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`status ${response.statusCode}`));
        return;
      }
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        if (ttft < 0 && chunk.includes(marker)) ttft = performance.now() - started;
      });
      response.on("end", () => resolve({ ttft, total: performance.now() - started }));
      response.on("error", reject);
    });
    outgoing.on("error", reject);
    outgoing.end(target.body);
  });
}

/** `concurrency` closed loops of streamed requests for `durationSec`. */
export async function runStreamLoop(target: HttpTarget, concurrency: number, durationSec: number, marker = "tok"): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const ttft: number[] = [];
  const total: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + durationSec * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      try {
        const sample = await streamOnce(target, agent, marker);
        ttft.push(sample.ttft);
        total.push(sample.total);
      } catch {
        errors += 1;
        if (errors > 1000) return;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: total.length, errors, rps: total.length / elapsed, latencyMs: percentiles(total), ttftMs: percentiles(ttft) };
}
