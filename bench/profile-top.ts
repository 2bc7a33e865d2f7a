/**
 * Top self-time functions (and packages) of a V8 .cpuprofile, e.g. from `npm run bench -- --profile`:
 *   npx tsx bench/profile-top.ts bench/profiles/CPU.*.cpuprofile [count]
 */
import { readFileSync } from "node:fs";

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export function topSelfTime(profile: Profile, count: number): { functions: [string, number][]; packages: [string, number][]; totalMs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, index) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let total = 0;
  for (const [id, micros] of self) {
    const frame = byId.get(id)!.callFrame;
    total += micros;
    const file = frame.url.replace(/^file:\/\//, "").replace(/^.*\/work\/main\//, "");
    const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + micros);
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? (file.startsWith("src/") ? file.split("/").slice(0, 3).join("/") : file.startsWith("node:") ? "node:internal" : frame.functionName.startsWith("(") ? frame.functionName : file || "(native)");
    packages.set(pkg, (packages.get(pkg) ?? 0) + micros);
  }
  const sorted = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  return { functions: sorted(functions), packages: sorted(packages), totalMs: total / 1000 };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv.find((arg) => /^\d+$/.test(arg)) ?? 30);
  for (const path of process.argv.slice(2).filter((arg) => arg.endsWith(".cpuprofile"))) {
    const { functions, packages, totalMs } = topSelfTime(JSON.parse(readFileSync(path, "utf8")) as Profile, count);
    const pct = (micros: number) => `${((micros / 1000 / totalMs) * 100).toFixed(1).padStart(5)}%`;
    console.log(`${path}: ${(totalMs / 1000).toFixed(1)} s sampled\n-- packages --`);
    for (const [name, micros] of packages) console.log(`${pct(micros)}  ${name}`);
    console.log("-- functions (self) --");
    for (const [name, micros] of functions) console.log(`${pct(micros)}  ${name}`);
  }
}
