import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProtocolSocket } from "../support/websocket.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `tsx src/main.ts` as users run it, with a clean environment apart from what the test sets. */
function startMain(env: Record<string, string>): Started {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const child = spawn(TSX, ["src/main.ts"], { cwd: ROOT, env: { ...inherited, LOG_LEVEL: "warn", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForUrl(started: Started): Promise<string> {
  await expect.poll(() => /listening on (http:\/\/\S+)/.exec(started.output())?.[1], { timeout: 90_000, interval: 100 }).toBeTruthy();
  return /listening on (http:\/\/\S+)/.exec(started.output())![1]!;
}

describe("the process", () => {
  const dataDirs: string[] = [];
  afterAll(async () => {
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
  });

  it("exits non-zero with a one-line message naming the variable on a config error", async () => {
    const started = startMain({ PORT: "abc" });
    expect(await started.exited).not.toBe(0);
    const lines = started.output().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PORT/);
  });

  it("prints the admin key on the first start only, and stops on SIGTERM with a WebSocket open", { timeout: 180_000 }, async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "switchyard-process-"));
    dataDirs.push(dataDir);
    const env = { PORT: "0", SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_SHUTDOWN_TIMEOUT_MS: "5000" };

    const first = startMain(env);
    const url = await waitForUrl(first);
    await expect.poll(() => /^\s+(sy-\S+)$/m.exec(first.output())?.[1], { timeout: 10_000, interval: 50 }).toBeTruthy();
    const key = /^\s+(sy-\S+)$/m.exec(first.output())![1];
    const models = await fetch(`${url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: "{ models { id contextWindow pricing { inputPerMTok } } }" }),
    });
    expect(models.status).toBe(200);

    const socket = await openProtocolSocket(url);
    socket.send({ type: "connection_init", payload: { authorization: `Bearer ${key}` } });
    await socket.next("connection_ack");
    const signalled = performance.now();
    first.child.kill("SIGTERM");
    expect((await socket.closed).code).toBe(1001);
    expect(await first.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(5_000 + 2_000);

    const second = startMain(env);
    await waitForUrl(second);
    expect(second.output()).not.toMatch(/sy-\S{20,}/);
    expect(second.output()).not.toMatch(/Admin API key/);
    second.child.kill("SIGINT");
    expect(await second.exited).toBe(0);
  });
});
