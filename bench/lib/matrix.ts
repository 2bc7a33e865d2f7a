/** Scenarios (a)–(d) at concurrency 1, 16 and 64, each next to the upstream called directly. */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { round } from "./measure.js";
import {
  GRAPHQL_INPUT, configureUpstream, graphqlTarget, restTarget, runAutocannon, runGraphQLWsLoop, runStreamLoop, withGatewayCpu, withUpstreamCpu,
  type BenchContext, type HoldResult, type Measured, type PointResult, type SoakResult,
} from "./scenarios.js";

export const CONCURRENCY = [1, 16, 64] as const;
export const FAST_SHAPE = { latencyMs: 0, chunks: 10, chunkIntervalMs: 0 };

export interface Matrix {
  restPlain: PointResult[];
  restStream: PointResult[];
  graphqlMutation: PointResult[];
  graphqlWs: PointResult[];
}

export interface RunResults {
  matrix: Matrix;
  hold: HoldResult[];
  soak: SoakResult | null;
  routing: { strategy: string; microsPerDecision: number }[];
}

function summary(label: string, result: Measured): string {
  const ttft = result.ttftMs ? ` ttft p50 ${round(result.ttftMs.p50, 3)} ms` : "";
  const cpu = result.cpuPerRequestUs !== undefined ? ` cpu ${result.cpuPerRequestUs} µs/req (sys ${result.systemCpuPerRequestUs}), ${result.sqlPerRequest} SQL/req` : result.upstreamCpuPerRequestUs !== undefined ? ` upstream cpu ${result.upstreamCpuPerRequestUs} µs/req` : "";
  const errors = result.errors ? ` ERRORS ${result.errors}` : "";
  return `    ${label.padEnd(8)} ${Math.round(result.rps).toString().padStart(6)} req/s p50 ${round(result.latencyMs.p50, 3)} ms p99 ${round(result.latencyMs.p99, 3)} ms${ttft}${cpu}${errors}`;
}

export async function runMatrix(context: BenchContext, only: Set<string>): Promise<Matrix> {
  const { gateway, key, durationSec, log } = context;
  const gw = gateway.ready.url;
  const direct = context.upstreamUrl;
  const matrix: Matrix = { restPlain: [], restStream: [], graphqlMutation: [], graphqlWs: [] };
  await configureUpstream(direct, FAST_SHAPE);
  log("warm-up (JIT, pools, caches)");
  await runAutocannon(restTarget(gw, key, false), 16, 3);
  await runStreamLoop(restTarget(gw, key, true), 16, 2);
  await runAutocannon(graphqlTarget(gw, key), 16, 2);
  await runGraphQLWsLoop(gw, key, GRAPHQL_INPUT, 16, 2);

  const directPlain = new Map<number, Measured>();
  const directStream = new Map<number, Measured>();
  for (const concurrency of CONCURRENCY) {
    if (only.has("a") || only.has("c")) {
      log(`(a) REST non-stream, concurrency ${concurrency}`);
      const directResult = await withUpstreamCpu(context, () => runAutocannon(restTarget(direct, key, false), concurrency, durationSec));
      directPlain.set(concurrency, directResult);
      log(summary("direct", directResult));
    }
    if (only.has("a")) {
      const gatewayResult = await withGatewayCpu(context, () => runAutocannon(restTarget(gw, key, false), concurrency, durationSec));
      log(summary("gateway", gatewayResult));
      matrix.restPlain.push({ concurrency, direct: directPlain.get(concurrency)!, gateway: gatewayResult });
    }
    if (only.has("b") || only.has("d")) {
      log(`(b) REST stream, concurrency ${concurrency}`);
      const directResult = await withUpstreamCpu(context, () => runStreamLoop(restTarget(direct, key, true), concurrency, durationSec));
      directStream.set(concurrency, directResult);
      log(summary("direct", directResult));
    }
    if (only.has("b")) {
      const gatewayResult = await withGatewayCpu(context, () => runStreamLoop(restTarget(gw, key, true), concurrency, durationSec));
      log(summary("gateway", gatewayResult));
      matrix.restStream.push({ concurrency, direct: directStream.get(concurrency)!, gateway: gatewayResult });
    }
    if (only.has("c")) {
      log(`(c) GraphQL complete mutation, concurrency ${concurrency}`);
      const gatewayResult = await withGatewayCpu(context, () => runAutocannon(graphqlTarget(gw, key), concurrency, durationSec));
      log(summary("gateway", gatewayResult));
      matrix.graphqlMutation.push({ concurrency, direct: directPlain.get(concurrency)!, gateway: gatewayResult });
    }
    if (only.has("d")) {
      log(`(d) graphql-ws completionStream, concurrency ${concurrency}`);
      const gatewayResult = await withGatewayCpu(context, () => runGraphQLWsLoop(gw, key, GRAPHQL_INPUT, concurrency, durationSec));
      log(summary("gateway", gatewayResult) + ("firstError" in gatewayResult && gatewayResult.firstError ? ` (${String(gatewayResult.firstError)})` : ""));
      matrix.graphqlWs.push({ concurrency, direct: directStream.get(concurrency)!, gateway: gatewayResult });
    }
  }
  return matrix;
}

/** bench/routing-decision.bench.ts in its own process: µs per router.plan over 50 candidates. */
export function runRoutingMicroBench(): { strategy: string; microsPerDecision: number }[] {
  const script = fileURLToPath(new URL("../routing-decision.bench.ts", import.meta.url));
  try {
    const output = execFileSync(process.execPath, ["--import", "tsx", script], { encoding: "utf8", timeout: 120_000 });
    return [...output.matchAll(/^(\w+)\s+plan over 50 candidates: ([\d.]+) µs\/decision/gm)].map((match) => ({ strategy: match[1]!, microsPerDecision: Number(match[2]) }));
  } catch {
    return [];
  }
}
