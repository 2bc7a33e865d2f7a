/**
 * The gateway as the benchmark runs it: the real app (`startApp`) in its own process, so its CPU time
 * can be read from /proc/<pid>/stat. It answers the harness over the IPC channel: event-loop delay
 * (perf_hooks histogram, reset on each read) and memory. Nothing here changes the app's hot path.
 */
import "reflect-metadata";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { loadConfig } from "../src/config/config.js";
import { startApp } from "../src/server/app.js";

interface Message { type?: string; id?: number }

const config = loadConfig(process.env);
const app = await startApp(config);
const RESOLUTION_MS = 10;
const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loop.enable();

// The histogram records whole sampling intervals (≥ the 10 ms resolution): the delay is the excess.
const ms = (nanoseconds: number) => Math.max(0, Math.round((nanoseconds / 1e6 - RESOLUTION_MS) * 100) / 100);
function stats() {
  const histogram = { p50Ms: ms(loop.percentile(50)), p99Ms: ms(loop.percentile(99)), maxMs: ms(loop.max), meanMs: ms(loop.mean) };
  loop.reset();
  return { eventLoop: histogram, memory: process.memoryUsage(), sqlStatements: app.database.queries.count };
}

process.send?.({ type: "ready", url: app.url, pid: process.pid, driver: app.database.driver, adminKey: app.generatedAdminKey });
process.on("message", (message: Message) => {
  if (message.type === "stats") {
    process.send?.({ type: "stats", id: message.id, ...stats() });
  } else if (message.type === "gc") {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    process.send?.({ type: "gc", id: message.id, collected: gc !== undefined });
  } else if (message.type === "stop") {
    void app.close().finally(() => process.exit(0));
  }
});
process.on("disconnect", () => void app.close().finally(() => process.exit(0)));
