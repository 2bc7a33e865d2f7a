/** Percentiles over latency samples and the per-process figures read from /proc. */
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
  mean: number;
  count: number;
}

export function percentiles(samples: number[]): Percentiles {
  if (samples.length === 0) return { p50: NaN, p90: NaN, p99: NaN, mean: NaN, count: 0 };
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  let sum = 0;
  for (const value of sorted) sum += value;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), mean: sum / sorted.length, count: sorted.length };
}

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process, in milliseconds (resolution 1/CLK_TCK s, 10 ms on Linux). */
export function cpuMillis(pid: number): number {
  const { user, system } = cpuSplitMillis(pid);
  return user + system;
}

/** utime and stime of a process, in milliseconds. */
export function cpuSplitMillis(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return { user: (utime * 1000) / clockTicks(), system: (stime * 1000) / clockTicks() };
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Raises the open-file limit of a process (needs root or CAP_SYS_RESOURCE); returns the limit now in force. */
export function raiseFileLimit(pid: number, limit: number): string {
  try {
    execFileSync("prlimit", ["--pid", String(pid), `--nofile=${limit}:${limit}`], { stdio: "ignore" });
  } catch {
    // Not permitted: keep the current limit; the hold-streams scenario reports how far it got.
  }
  try {
    return execFileSync("prlimit", ["--pid", String(pid), "--nofile", "--noheadings", "--output=SOFT"]).toString().trim();
  } catch {
    return "unknown";
  }
}

export const round = (value: number, digits = 2): number => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);
