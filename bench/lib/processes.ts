/** The two child processes of a run (fake upstream, gateway) and a request/response helper over IPC. */
import { fork, type ChildProcess } from "node:child_process";
import { openSync } from "node:fs";
import { fileURLToPath } from "node:url";

const benchDir = fileURLToPath(new URL("..", import.meta.url));

export interface Child<Ready> {
  process: ChildProcess;
  pid: number;
  ready: Ready;
  ask<T>(message: Record<string, unknown>): Promise<T>;
  stop(): Promise<void>;
}

export async function startChild<Ready>(script: string, options: { env?: NodeJS.ProcessEnv; execArgv?: string[]; logFile?: string; readyTimeoutMs?: number }): Promise<Child<Ready>> {
  const log = options.logFile ? openSync(options.logFile, "a") : "ignore";
  const child = fork(`${benchDir}${script}`, [], {
    execArgv: ["--import", "tsx", ...(options.execArgv ?? [])],
    env: options.env ?? process.env,
    stdio: ["ignore", log, log, "ipc"],
  });
  let sequence = 0;
  const pending = new Map<number, (value: unknown) => void>();
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start within ${options.readyTimeoutMs ?? 120_000} ms (see ${options.logFile ?? "its output"})`)), options.readyTimeoutMs ?? 120_000);
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code} before it was ready (see ${options.logFile ?? "its output"})`)));
    child.on("message", (message: { type?: string; id?: number }) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message as Ready);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  return {
    process: child,
    pid: child.pid!,
    ready,
    ask: <T>(message: Record<string, unknown>) =>
      new Promise<T>((resolve) => {
        const id = ++sequence;
        pending.set(id, resolve as (value: unknown) => void);
        child.send({ ...message, id });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: "stop" });
      }),
  };
}
