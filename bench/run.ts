/**
 * `npm run bench`: the gateway's overhead next to the upstream called directly, in one run.
 *   --quick          shorter points (2 s) and 1,000/5,000 held streams only
 *   --duration N     seconds per measured point (default 5)
 *   --streams a,b,c  held-stream levels (default 1000,5000,10000)
 *   --soak 10m       add the soak (memory growth); `s`/`m` suffixes
 *   --profile        run the gateway under --cpu-prof (profile in bench/profiles/)
 *   --only a,b,c,d,e limit the scenarios
 *   --unlimited-key  a key without budget or rate limits (isolates admission's cost)
 *   --hold-interval  ms between chunks of the held streams (default 2000)
 *   --gateway-node-options "--max-semi-space-size=32"  extra node flags for the gateway process
 * Real PostgreSQL when DATABASE_URL is set (a fresh database is created and dropped), else PGlite.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { raiseFileLimit } from "./lib/measure.js";
import { startChild, type Child } from "./lib/processes.js";
import { createBenchDatabase, createBenchKey } from "./lib/setup.js";
import { runMatrix, runRoutingMicroBench, type RunResults } from "./lib/matrix.js";
import { holdScenario, soakScenario, type BenchContext, type GatewayReady } from "./lib/scenarios.js";
import { writeResults } from "./lib/report.js";

const benchDir = fileURLToPath(new URL(".", import.meta.url));

interface Options { quick: boolean; durationSec: number; streams: number[]; soakMinutes: number; profile: boolean; only: Set<string>; holdIntervalMs: number; unlimitedKey: boolean; gatewayNodeOptions: string[] }

function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(value);
  if (!match) throw new Error(`bad duration ${value} (use 90s or 10m)`);
  return match[2] === "s" ? Number(match[1]) / 60 : Number(match[1]);
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : undefined;
  };
  const quick = argv.includes("--quick");
  return {
    quick,
    durationSec: Number(value("--duration") ?? (quick ? 2 : 5)),
    streams: (value("--streams") ?? (quick ? "1000,5000" : "1000,5000,10000")).split(",").map(Number),
    soakMinutes: value("--soak") ? parseDuration(value("--soak")!) : 0,
    profile: argv.includes("--profile"),
    only: new Set((value("--only") ?? "a,b,c,d,e").split(",")),
    holdIntervalMs: Number(value("--hold-interval") ?? 2000),
    unlimitedKey: argv.includes("--unlimited-key"),
    gatewayNodeOptions: (value("--gateway-node-options") ?? "").split(" ").filter(Boolean),
  };
}

const started = Date.now();
const log = (line: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  log(`open files: bench ${raiseFileLimit(process.pid, 200_000)}`);
  const upstream = await startChild<{ url: string; pid: number }>("upstream-child.ts", {});
  log(`fake upstream on ${upstream.ready.url} (pid ${upstream.pid}, open files ${raiseFileLimit(upstream.pid, 200_000)})`);
  const work = mkdtempSync(join(tmpdir(), "switchyard-bench-"));
  const database = await createBenchDatabase(process.env.DATABASE_URL);
  const adminKey = `sk-admin-bench-${randomBytes(12).toString("hex")}`;
  const profileDir = join(benchDir, "profiles");
  if (options.profile) mkdirSync(profileDir, { recursive: true });
  let gateway: Child<GatewayReady> | undefined;
  let succeeded = false;
  try {
    gateway = await startChild<GatewayReady>("gateway-child.ts", {
      env: {
        ...process.env,
        NODE_ENV: "production",
        HOST: "127.0.0.1",
        PORT: "0",
        SWITCHYARD_ADMIN_KEY: adminKey,
        SWITCHYARD_DATA_DIR: join(work, "data"),
        OPENAI_API_KEY: "sk-bench-upstream",
        OPENAI_BASE_URL: `${upstream.ready.url}/v1`,
        ...(database.url ? { DATABASE_URL: database.url } : { DATABASE_URL: "" }),
      },
      execArgv: ["--expose-gc", ...options.gatewayNodeOptions, ...(options.profile ? ["--cpu-prof", "--cpu-prof-dir", profileDir] : [])],
      logFile: join(work, "gateway.log"),
    });
    log(`gateway on ${gateway.ready.url} (pid ${gateway.pid}, ${gateway.ready.driver}, open files ${raiseFileLimit(gateway.pid, 200_000)}, log ${join(work, "gateway.log")})`);
    const key = await createBenchKey(gateway.ready.url, adminKey, !options.unlimitedKey);
    log(options.unlimitedKey ? "bench key WITHOUT budget or rate limits (--unlimited-key)" : "bench key: budget $1,000,000 TOTAL, 1e9 requests/min, 1e9 tokens/min");
    const context: BenchContext = { gateway, upstreamUrl: upstream.ready.url, upstreamPid: upstream.pid, key, durationSec: options.durationSec, log };
    const results: RunResults = { matrix: await runMatrix(context, options.only), hold: [], soak: null, routing: [] };
    if (options.only.has("e")) {
      // REST holds two descriptors per stream in the gateway (client + upstream socket); graphql-ws one.
      const fileLimit = Number(raiseFileLimit(gateway.pid, 200_000)) || 20_000;
      for (const protocol of ["rest", "graphql-ws"] as const) {
        for (const streams of options.streams) {
          if (protocol === "rest" && streams * 2 + 1000 > fileLimit) {
            log(`(e) skipping ${streams} REST streams: they need ${streams * 2} sockets in the gateway, its open-file limit is ${fileLimit}`);
            continue;
          }
          log(`(e) ${streams} concurrent ${protocol} streams, one chunk every ${options.holdIntervalMs} ms`);
          const held = await holdScenario(context, protocol, streams, options.holdIntervalMs, options.quick ? 3 : 5);
          results.hold.push(held);
          log(`    ${held.opened} open: ${held.rssPerStreamKB} KB RSS/stream, event loop p99 ${held.eventLoop.p99Ms} ms${held.failed ? `, ${held.failed} failed (${held.firstError})` : ""}`);
        }
      }
    }
    if (options.soakMinutes > 0) {
      log(`(f) soak for ${options.soakMinutes} min`);
      results.soak = await soakScenario(context, options.soakMinutes);
    }
    results.routing = runRoutingMicroBench();
    const files = writeResults({ results, options: { ...options, only: [...options.only] }, driver: gateway.ready.driver, elapsedSec: (Date.now() - started) / 1000 });
    log(`results: ${files.join(", ")}`);
    succeeded = true;
  } finally {
    await gateway?.stop();
    await upstream.stop();
    await database.drop();
    if (succeeded) rmSync(work, { recursive: true, force: true });
    else log(`kept ${work} (gateway.log) for inspection`);
  }
  if (options.profile) log(`cpu profile written to ${profileDir}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
