/** The measured scenarios (a)–(f). Each returns plain data; the report turns it into tables. */
import type { Child } from "./processes.js";
import { runAutocannon, runStreamLoop, type HttpTarget, type LoadResult } from "./load.js";
import { runGraphQLWsLoop } from "./graphql-ws-load.js";
import { holdStreams, holdSubscriptions } from "./hold-streams.js";
import { cpuMillis, cpuSplitMillis, round, rssBytes } from "./measure.js";

export interface GatewayReady { url: string; pid: number; driver: string }
export interface GatewayStats { eventLoop: { p50Ms: number; p99Ms: number; maxMs: number; meanMs: number }; memory: NodeJS.MemoryUsage; sqlStatements: number }

export interface BenchContext {
  gateway: Child<GatewayReady>;
  upstreamUrl: string;
  upstreamPid: number;
  key: string;
  durationSec: number;
  log: (line: string) => void;
}

export const MODEL = "openai/gpt-4o-mini";
const PROMPT = [{ role: "user", content: "Say hello in ten words." }];

export function restTarget(baseUrl: string, key: string, stream: boolean, model = MODEL): HttpTarget {
  return {
    url: `${baseUrl}/v1/chat/completions`,
    body: JSON.stringify({ model, messages: PROMPT, max_tokens: 64, ...(stream ? { stream: true } : {}) }),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
  };
}

export const GRAPHQL_INPUT = { model: MODEL, messages: [{ role: "USER", content: PROMPT[0]!.content }], maxTokens: 64 };

export function graphqlTarget(baseUrl: string, key: string): HttpTarget {
  return {
    url: `${baseUrl}/graphql`,
    body: JSON.stringify({ query: "mutation Bench($input: CompletionInput!) { complete(input: $input) { content finishReason } }", variables: { input: GRAPHQL_INPUT } }),
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
  };
}

export async function configureUpstream(upstreamUrl: string, shape: Record<string, number>): Promise<{ open: number }> {
  const response = await fetch(`${upstreamUrl}/__config`, { method: "POST", body: JSON.stringify(shape) });
  return (await response.json()) as { open: number };
}

export interface Measured extends LoadResult {
  /** Gateway user+system CPU per served request (µs); absent for direct runs. */
  cpuPerRequestUs?: number;
  /** Of which kernel (system) time, µs per request. */
  systemCpuPerRequestUs?: number;
  /** SQL statements the gateway sent per request (admission, batched settlements and request log). */
  sqlPerRequest?: number;
  /** The fake upstream's CPU per request (µs): a floor for what any HTTP hop costs here. */
  upstreamCpuPerRequestUs?: number;
}

/** Runs `work` against the gateway and charges the gateway's CPU time to the requests it served. */
export async function withGatewayCpu(context: BenchContext, work: () => Promise<LoadResult>): Promise<Measured> {
  const statementsBefore = (await context.gateway.ask<GatewayStats>({ type: "stats" })).sqlStatements;
  const before = cpuSplitMillis(context.gateway.pid);
  const result = await work();
  const after = cpuSplitMillis(context.gateway.pid);
  const statements = (await context.gateway.ask<GatewayStats>({ type: "stats" })).sqlStatements - statementsBefore;
  const perRequest = (ms: number) => (result.requests > 0 ? round((ms * 1000) / result.requests, 1) : NaN);
  return {
    ...result,
    cpuPerRequestUs: perRequest(after.user + after.system - before.user - before.system),
    systemCpuPerRequestUs: perRequest(after.system - before.system),
    sqlPerRequest: result.requests > 0 ? round(statements / result.requests, 2) : NaN,
  };
}

/** Runs `work` against the upstream directly and charges the upstream's CPU time to its requests. */
export async function withUpstreamCpu(context: BenchContext, work: () => Promise<LoadResult>): Promise<Measured> {
  const before = cpuMillis(context.upstreamPid);
  const result = await work();
  const cpu = cpuMillis(context.upstreamPid) - before;
  return { ...result, upstreamCpuPerRequestUs: result.requests > 0 ? round((cpu * 1000) / result.requests, 1) : NaN };
}

export interface PointResult {
  concurrency: number;
  direct: Measured;
  gateway: Measured;
}

const GC_WAIT_MS = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type HoldProtocol = "rest" | "graphql-ws";

export interface HoldResult {
  protocol: HoldProtocol;
  streams: number;
  opened: number;
  failed: number;
  firstError?: string;
  openSeconds: number;
  rssBaseMB: number;
  rssHeldMB: number;
  rssPerStreamKB: number;
  heapPerStreamKB: number;
  eventLoop: GatewayStats["eventLoop"];
  cpuPercentWhileHeld: number;
}

/** (e): N concurrent streams against a slow upstream (one chunk every `intervalMs`). */
export async function holdScenario(context: BenchContext, protocol: HoldProtocol, streams: number, intervalMs: number, holdSec: number): Promise<HoldResult> {
  const { gateway, log } = context;
  await configureUpstream(context.upstreamUrl, { latencyMs: 0, chunks: 1_000_000, chunkIntervalMs: intervalMs });
  // Twice, with pauses: V8 returns freed pages to the OS lazily, which made a single-GC baseline noisy.
  for (let round = 0; round < 2; round++) {
    await gateway.ask({ type: "gc" });
    await sleep(GC_WAIT_MS);
  }
  const baseStats = await gateway.ask<GatewayStats>({ type: "stats" });
  const rssBase = rssBytes(gateway.pid);
  const progress = (opened: number) => {
    if (opened % 1000 === 0 || opened === streams) log(`    ${opened}/${streams} streams open`);
  };
  const held =
    protocol === "rest"
      ? await holdStreams(restTarget(gateway.ready.url, context.key, true), streams, progress)
      : await holdSubscriptions(gateway.ready.url, context.key, GRAPHQL_INPUT, streams, progress);
  await sleep(1000);
  await gateway.ask({ type: "gc" });
  await gateway.ask<GatewayStats>({ type: "stats" }); // resets the event-loop histogram: measure the held phase only
  const cpuBefore = cpuMillis(gateway.pid);
  await sleep(holdSec * 1000);
  const heldStats = await gateway.ask<GatewayStats>({ type: "stats" });
  const cpuPercent = ((cpuMillis(gateway.pid) - cpuBefore) / (holdSec * 1000)) * 100;
  const rssHeld = rssBytes(gateway.pid);
  held.close();
  await waitFor(async () => (await configureUpstream(context.upstreamUrl, {})).open === 0, 60_000);
  await sleep(1000); // settles after the aborts (request log, budget)
  const opened = Math.max(held.opened, 1);
  return {
    protocol,
    streams,
    opened: held.opened,
    failed: held.failed,
    firstError: held.firstError,
    openSeconds: round(held.openMs / 1000, 1),
    rssBaseMB: round(rssBase / 2 ** 20, 1),
    rssHeldMB: round(rssHeld / 2 ** 20, 1),
    rssPerStreamKB: round((rssHeld - rssBase) / 1024 / opened, 1),
    heapPerStreamKB: round((heldStats.memory.heapUsed - baseStats.memory.heapUsed) / 1024 / opened, 1),
    eventLoop: heldStats.eventLoop,
    cpuPercentWhileHeld: round(cpuPercent, 1),
  };
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(200);
  }
  return false;
}

export interface SoakResult {
  minutes: number;
  requests: number;
  errors: number;
  samples: { atSec: number; rssMB: number; heapMB: number }[];
  rssStartMB: number;
  rssEndMB: number;
  rssMaxMB: number;
  heapGrowthMBPerMinSecondHalf: number;
}

/** (f): a steady mix of streamed and non-streamed requests at concurrency 16; memory sampled every 10 s. */
export async function soakScenario(context: BenchContext, minutes: number): Promise<SoakResult> {
  await configureUpstream(context.upstreamUrl, { latencyMs: 5, chunks: 10, chunkIntervalMs: 1 });
  const samples: SoakResult["samples"] = [];
  const started = Date.now();
  let requests = 0;
  let errors = 0;
  const sample = async () => {
    await context.gateway.ask({ type: "gc" });
    const stats = await context.gateway.ask<GatewayStats>({ type: "stats" });
    samples.push({ atSec: Math.round((Date.now() - started) / 1000), rssMB: round(rssBytes(context.gateway.pid) / 2 ** 20, 1), heapMB: round(stats.memory.heapUsed / 2 ** 20, 1) });
    const last = samples[samples.length - 1]!;
    context.log(`    soak ${last.atSec}s: rss ${last.rssMB} MB, heap ${last.heapMB} MB, ${requests} requests`);
  };
  await sample();
  const end = started + minutes * 60_000;
  while (Date.now() < end) {
    const slice = Math.min(10, Math.max(1, Math.round((end - Date.now()) / 1000)));
    const [plain, streamed] = await Promise.all([
      runAutocannon(restTarget(context.gateway.ready.url, context.key, false), 8, slice),
      runStreamLoop(restTarget(context.gateway.ready.url, context.key, true), 8, slice),
    ]);
    requests += plain.requests + streamed.requests;
    errors += plain.errors + streamed.errors;
    await sample();
  }
  const half = samples.filter((entry) => entry.atSec >= (minutes * 60) / 2);
  const first = half[0] ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  const spanMin = Math.max((last.atSec - first.atSec) / 60, 1 / 60);
  return {
    minutes,
    requests,
    errors,
    samples,
    rssStartMB: samples[0]!.rssMB,
    rssEndMB: last.rssMB,
    rssMaxMB: Math.max(...samples.map((entry) => entry.rssMB)),
    heapGrowthMBPerMinSecondHalf: round((last.heapMB - first.heapMB) / spanMin, 2),
  };
}

export { runAutocannon, runStreamLoop, runGraphQLWsLoop };
