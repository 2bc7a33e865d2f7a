import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CODEGEN_CONFIG } from "../../codegen.js";

const ROOT = join(import.meta.dirname, "..", "..");
const COMMITTED = join(ROOT, "examples", "generated");

describe("typed client (GraphQL Code Generator)", () => {
  it("examples/generated is what `npm run codegen` produces from schema/schema.graphql and examples/documents", async () => {
    const root = await mkdtemp(join(tmpdir(), "switchyard-codegen-"));
    let directory = root;
    try {
      // The CLI in its own process: inside vitest the plugins would see a second copy of graphql
      // (STACK.md pitfall 8) and print a different file.
      const [output] = Object.values(CODEGEN_CONFIG.generates);
      const config = join(root, "codegen.json");
      const target = join(root, "out");
      await writeFile(config, JSON.stringify({ ...CODEGEN_CONFIG, generates: { [`${target}/`]: output } }));
      await promisify(execFile)(join(ROOT, "node_modules", ".bin", "graphql-codegen"), ["--config", config, "--silent"], { cwd: ROOT });
      directory = target;
      const files = (await readdir(directory)).sort();
      expect(files).toEqual((await readdir(COMMITTED)).sort());
      for (const file of files) {
        const fresh = await readFile(join(directory, file), "utf8");
        expect(await readFile(join(COMMITTED, file), "utf8"), `examples/generated/${file} is stale: run npm run codegen`).toBe(fresh);
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
