import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
const DEPCRUISE = join(ROOT, "node_modules", ".bin", "depcruise");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");
const run = promisify(execFile);

interface Violation {
  from: string;
  to: string;
  rule: { name: string; severity: string };
}

/** Runs dependency-cruiser's CLI (as `npm run lint` does) and returns the violations. */
async function cruise(cwd: string): Promise<Violation[]> {
  const { stdout } = await run(DEPCRUISE, ["src", "--config", CONFIG, "--output-type", "json"], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }),
  );
  const result = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return result.summary.violations;
}

describe("import boundaries (ARCHITECTURE.md)", () => {
  it("src has no dependency-cruiser errors", { timeout: 60_000 }, async () => {
    const errors = (await cruise(ROOT)).filter((violation) => violation.rule.severity === "error");
    expect(errors.map((violation) => `${violation.rule.name}: ${violation.from} -> ${violation.to}`)).toEqual([]);
  });

  it("the rules catch core importing the server and services importing GraphQL code", { timeout: 60_000 }, async () => {
    const fixture = await mkdtemp(join(tmpdir(), "switchyard-depcruise-"));
    try {
      const files: Record<string, string> = {
        "tsconfig.json": "{}",
        "src/core/model/leak.ts": 'import { app } from "../../server/app.js";\nexport const leak = app;\n',
        "src/server/app.ts": "export const app = 1;\n",
        "src/services/uses-resolver.ts": 'import { resolver } from "../graphql/thing.resolver.js";\nexport const used = resolver;\n',
        "src/graphql/thing.resolver.ts": "export const resolver = 2;\n",
      };
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(fixture, path)), { recursive: true });
        await writeFile(join(fixture, path), content);
      }
      const names = (await cruise(fixture)).map((violation) => `${violation.rule.name}: ${violation.from}`);
      expect(names).toEqual(expect.arrayContaining(["core-is-pure: src/core/model/leak.ts", "services-not-edges: src/services/uses-resolver.ts"]));
    } finally {
      await rm(fixture, { recursive: true, force: true });
    }
  });
});
