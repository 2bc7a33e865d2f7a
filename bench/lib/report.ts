/** Markdown + JSON in bench/results/, and the driver's section of bench/RESULTS.md. */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { round } from "./measure.js";
import { FAST_SHAPE, type RunResults } from "./matrix.js";
import type { PointResult } from "./scenarios.js";

const benchDir = fileURLToPath(new URL("..", import.meta.url));

export interface ReportInput {
  results: RunResults;
  options: Record<string, unknown>;
  driver: string;
  elapsedSec: number;
}

function machine() {
  const commit = (() => {
    try {
      return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" }).trim();
    } catch {
      return "unknown";
    }
  })();
  return { commit, nproc: cpus().length, memoryGB: round(totalmem() / 2 ** 30, 1), node: process.version, cpu: cpus()[0]?.model ?? "unknown", loadAverage: loadavg().map((value) => round(value, 2)) };
}

const f = (value: number | undefined, digits = 2) => (value === undefined || !Number.isFinite(value) ? "–" : String(round(value, digits)));

function plainTable(title: string, points: PointResult[]): string[] {
  if (points.length === 0) return [];
  const lines = [`### ${title}`, "", "| c | direct req/s | gateway req/s | direct p50/p90/p99 ms | gateway p50/p90/p99 ms | added p50 / p99 ms | gateway CPU µs/req (of which system) | SQL statements/req | upstream CPU µs/req | errors |", "|---|---|---|---|---|---|---|---|---|---|"];
  for (const { concurrency, direct, gateway } of points) {
    lines.push(
      `| ${concurrency} | ${f(direct.rps, 0)} | ${f(gateway.rps, 0)} | ${f(direct.latencyMs.p50, 3)} / ${f(direct.latencyMs.p90, 3)} / ${f(direct.latencyMs.p99, 3)} | ${f(gateway.latencyMs.p50, 3)} / ${f(gateway.latencyMs.p90, 3)} / ${f(gateway.latencyMs.p99, 3)} | ${f(gateway.latencyMs.p50 - direct.latencyMs.p50, 3)} / ${f(gateway.latencyMs.p99 - direct.latencyMs.p99, 3)} | ${f(gateway.cpuPerRequestUs, 0)} (${f(gateway.systemCpuPerRequestUs, 0)}) | ${f(gateway.sqlPerRequest)} | ${f(direct.upstreamCpuPerRequestUs, 0)} | ${gateway.errors} |`,
    );
  }
  return [...lines, ""];
}

function perTokenUs(point: PointResult): number {
  const gateway = point.gateway.latencyMs.p50 - (point.gateway.ttftMs?.p50 ?? 0);
  const direct = point.direct.latencyMs.p50 - (point.direct.ttftMs?.p50 ?? 0);
  return ((gateway - direct) * 1000) / (FAST_SHAPE.chunks - 1);
}

function streamTable(title: string, points: PointResult[]): string[] {
  if (points.length === 0) return [];
  const lines = [
    `### ${title}`,
    "",
    "| c | direct streams/s | gateway streams/s | direct TTFT p50/p99 ms | gateway TTFT p50/p99 ms | added TTFT p50 / p99 ms | direct total p50 ms | gateway total p50/p99 ms | per-token overhead µs | gateway CPU µs/stream (of which system) | SQL statements/stream | upstream CPU µs/stream | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const point of points) {
    const { concurrency, direct, gateway } = point;
    lines.push(
      `| ${concurrency} | ${f(direct.rps, 0)} | ${f(gateway.rps, 0)} | ${f(direct.ttftMs?.p50, 3)} / ${f(direct.ttftMs?.p99, 3)} | ${f(gateway.ttftMs?.p50, 3)} / ${f(gateway.ttftMs?.p99, 3)} | ${f((gateway.ttftMs?.p50 ?? NaN) - (direct.ttftMs?.p50 ?? NaN), 3)} / ${f((gateway.ttftMs?.p99 ?? NaN) - (direct.ttftMs?.p99 ?? NaN), 3)} | ${f(direct.latencyMs.p50, 3)} | ${f(gateway.latencyMs.p50, 3)} / ${f(gateway.latencyMs.p99, 3)} | ${f(perTokenUs(point), 1)} | ${f(gateway.cpuPerRequestUs, 0)} (${f(gateway.systemCpuPerRequestUs, 0)}) | ${f(gateway.sqlPerRequest)} | ${f(direct.upstreamCpuPerRequestUs, 0)} | ${gateway.errors} |`,
    );
  }
  return [...lines, ""];
}

interface Target { name: string; target: string; measured: string; met: boolean | null }

function targets(results: RunResults): Target[] {
  const { matrix, hold, soak } = results;
  const at = (points: PointResult[], c: number) => points.find((point) => point.concurrency === c);
  const list: Target[] = [];
  const restCpu = at(matrix.restPlain, 64)?.gateway.cpuPerRequestUs;
  if (restCpu !== undefined) list.push({ name: "Gateway CPU per REST request (c=64)", target: "≤ 200 µs", measured: `${f(restCpu, 0)} µs`, met: restCpu <= 200 });
  const gqlCpu = at(matrix.graphqlMutation, 64)?.gateway.cpuPerRequestUs;
  if (gqlCpu !== undefined) list.push({ name: "Gateway CPU per GraphQL mutation (c=64)", target: "≤ 400 µs", measured: `${f(gqlCpu, 0)} µs`, met: gqlCpu <= 400 });
  const c1 = at(matrix.restPlain, 1);
  if (c1) {
    const p50 = c1.gateway.latencyMs.p50 - c1.direct.latencyMs.p50;
    const p99 = c1.gateway.latencyMs.p99 - c1.direct.latencyMs.p99;
    list.push({ name: "Added latency, REST c=1, p50", target: "≤ 0.3 ms", measured: `${f(p50, 3)} ms`, met: p50 <= 0.3 });
    list.push({ name: "Added latency, REST c=1, p99", target: "≤ 2 ms", measured: `${f(p99, 3)} ms`, met: p99 <= 2 });
  }
  const c64 = at(matrix.restPlain, 64);
  if (c64) list.push({ name: "Completions/s, REST c=64", target: "≥ 4,000", measured: f(c64.gateway.rps, 0), met: c64.gateway.rps >= 4000 });
  const s1 = at(matrix.restStream, 1);
  if (s1) {
    const added = (s1.gateway.ttftMs?.p50 ?? NaN) - (s1.direct.ttftMs?.p50 ?? NaN);
    list.push({ name: "Added TTFT p50, REST SSE c=1", target: "≤ 1 ms", measured: `${f(added, 3)} ms`, met: added <= 1 });
  }
  const w1 = at(matrix.graphqlWs, 1);
  if (w1) {
    const added = (w1.gateway.ttftMs?.p50 ?? NaN) - (w1.direct.ttftMs?.p50 ?? NaN);
    list.push({ name: "Added TTFT p50, graphql-ws c=1", target: "≤ 1 ms", measured: `${f(added, 3)} ms`, met: added <= 1 });
  }
  const top = hold.reduce<(typeof hold)[number] | undefined>((best, entry) => (!best || entry.streams > best.streams ? entry : best), undefined);
  if (top) {
    list.push({ name: `${top.streams.toLocaleString("en")} concurrent streams (${top.protocol})`, target: "all open, < 100 KB each", measured: `${top.opened} open, ${f(top.rssPerStreamKB, 1)} KB RSS each`, met: top.opened === top.streams && top.rssPerStreamKB < 100 });
  }
  if (soak) {
    list.push({ name: `Soak ${f(soak.minutes, 1)} min`, target: "flat memory", measured: `rss ${soak.rssStartMB} → ${soak.rssEndMB} MB, heap ${f(soak.heapGrowthMBPerMinSecondHalf)} MB/min (2nd half)`, met: Math.abs(soak.heapGrowthMBPerMinSecondHalf) < 1 });
  }
  return list;
}

export function renderMarkdown(input: ReportInput, stamp: string): string {
  const { results } = input;
  const host = machine();
  const lines = [
    `## Run ${stamp} — ${input.driver === "pg" ? "PostgreSQL" : input.driver}`,
    "",
    `Commit \`${host.commit}\`; ${host.nproc} cores (${host.cpu}), ${host.memoryGB} GB, Node ${host.node}; database driver **${input.driver}**; run took ${Math.round(input.elapsedSec)} s; load average at the end ${host.loadAverage.join(" / ")} (other work on the machine shows here).`,
    `Settings: ${JSON.stringify(input.options)}; fast upstream ${JSON.stringify(FAST_SHAPE)}; authentication, budget (TOTAL $1,000,000), rate limits (1e9 rpm/tpm) and the request log on; LOG_LEVEL default (info); gateway, fake upstream and load generator are three processes sharing the machine's cores (with the PostgreSQL server when the driver is pg).`,
    "",
    "### Targets (SPEC §7)",
    "",
    "| Target | Goal | Measured | Met |",
    "|---|---|---|---|",
    ...targets(results).map((entry) => `| ${entry.name} | ${entry.target} | ${entry.measured} | ${entry.met === null ? "–" : entry.met ? "yes" : "**no**"} |`),
    "",
    ...plainTable("(a) REST /v1/chat/completions, non-stream", results.matrix.restPlain),
    ...streamTable("(b) REST /v1/chat/completions, stream (SSE)", results.matrix.restStream),
    ...plainTable("(c) GraphQL `complete` mutation (direct = upstream non-stream)", results.matrix.graphqlMutation),
    ...streamTable("(d) graphql-ws `completionStream` (direct = upstream SSE)", results.matrix.graphqlWs),
  ];
  if (results.hold.length > 0) {
    lines.push("### (e) Concurrent streams held open (slow upstream)", "", "| protocol | streams | opened | failed | open time s | RSS before / held MB | RSS per stream KB | heap per stream KB | event-loop delay p50 / p99 / max ms | gateway CPU % |", "|---|---|---|---|---|---|---|---|---|---|");
    for (const entry of results.hold) {
      lines.push(`| ${entry.protocol} | ${entry.streams} | ${entry.opened} | ${entry.failed} | ${entry.openSeconds} | ${entry.rssBaseMB} / ${entry.rssHeldMB} | ${entry.rssPerStreamKB} | ${entry.heapPerStreamKB} | ${entry.eventLoop.p50Ms} / ${entry.eventLoop.p99Ms} / ${entry.eventLoop.maxMs} | ${entry.cpuPercentWhileHeld} |`);
    }
    lines.push("");
  }
  if (results.soak) {
    const soak = results.soak;
    lines.push("### (f) Soak", "", `${soak.requests} requests (${soak.errors} errors) over ${f(soak.minutes, 1)} min; RSS ${soak.rssStartMB} → ${soak.rssEndMB} MB (max ${soak.rssMaxMB}); heap growth in the second half ${soak.heapGrowthMBPerMinSecondHalf} MB/min.`, "");
    lines.push("| t s | RSS MB | heap MB |", "|---|---|---|", ...soak.samples.map((sample) => `| ${sample.atSec} | ${sample.rssMB} | ${sample.heapMB} |`), "");
  }
  if (results.routing.length > 0) {
    lines.push("### Routing decision micro-benchmark (router.plan over 50 candidates)", "", "| strategy | µs/decision |", "|---|---|", ...results.routing.map((entry) => `| ${entry.strategy} | ${entry.microsPerDecision} |`), "");
  }
  return lines.join("\n");
}

/** Writes bench/results/<stamp>-<driver>.{md,json} and replaces the driver's section of bench/RESULTS.md. */
export function writeResults(input: ReportInput): string[] {
  const stamp = new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d{3}Z$/, "Z");
  const directory = `${benchDir}results`;
  mkdirSync(directory, { recursive: true });
  const markdown = renderMarkdown(input, stamp);
  const base = `${directory}/${stamp}-${input.driver}`;
  writeFileSync(`${base}.md`, `${markdown}\n`);
  writeFileSync(`${base}.json`, `${JSON.stringify({ stamp, machine: machine(), driver: input.driver, options: input.options, elapsedSec: input.elapsedSec, targets: targets(input.results), ...input.results }, null, 2)}\n`);
  const summaryPath = `${benchDir}RESULTS.md`;
  const { matrix } = input.results;
  const soakOnly = input.results.soak !== null && input.results.hold.length === 0 && matrix.restPlain.length + matrix.restStream.length + matrix.graphqlMutation.length + matrix.graphqlWs.length === 0;
  const section = `${input.driver}${soakOnly ? "-soak" : ""}`;
  const start = `<!-- bench:${section}:start -->`;
  const end = `<!-- bench:${section}:end -->`;
  const block = `${start}\n${markdown}\n${end}`;
  const current = existsSync(summaryPath) ? readFileSync(summaryPath, "utf8") : "# Benchmark results\n\nGenerated sections are replaced by `npm run bench` (one per database driver); the rest is written by hand.\n";
  const updated = current.includes(start) ? current.replace(new RegExp(`${start}[\\s\\S]*?${end}`), () => block) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(summaryPath, updated);
  return [`${base}.md`, `${base}.json`, summaryPath];
}
