import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { loadConfig } from "../../../src/config/config.js";
import { startApp, type RunningApp } from "../../../src/server/app.js";
import { REDACTED_PATHS } from "../../../src/server/logger.js";
import { startFakeOpenAI, type FakeUpstream } from "../../support/fake-upstreams/index.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

const ROOT = new URL("../../..", import.meta.url).pathname;
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

export const ADMIN_KEY = "sy-admin-test-key-for-token-management-0123456789";
export const SECRET_KEY = Buffer.alloc(32, 9).toString("base64");

/** One gateway instance: in this process (its log lines captured) or a `tsx src/main.ts` child. */
export interface Instance {
  url: string;
  kind: "in-process" | "process";
  app?: RunningApp;
  /** Every log line written so far (JSON text). */
  logs(): string;
  close(): Promise<void>;
}

export interface Cluster {
  database: TestDatabase;
  upstream: FakeUpstream;
  env: Record<string, string>;
  primary: Instance;
  /** Another instance on the same database (in this process). */
  addInProcessPeer(): Promise<Instance>;
  /** Another instance on the same database as a separate process (only on a real PostgreSQL: null on PGlite). */
  addProcessPeer(): Promise<Instance | null>;
  close(): Promise<void>;
}

/** A logger like the app's (same redaction), writing into memory so tests can search the output. */
function capturingLogger(): { logger: Logger; logs: () => string } {
  let text = "";
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return { logger: pino({ level: "trace", redact: { paths: REDACTED_PATHS, censor: "[redacted]" } }, stream), logs: () => text };
}

async function inProcess(database: TestDatabase, env: Record<string, string>): Promise<Instance> {
  const config = loadConfig({ ...env, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), "sy-admin-")) });
  const { logger, logs } = capturingLogger();
  const app = await startApp(config, { database, logger });
  return { url: app.url, kind: "in-process", app, logs, close: () => app.close() };
}

function child(databaseUrl: string, env: Record<string, string>): Promise<Instance> {
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const process_: ChildProcess = spawn(TSX, ["src/main.ts"], {
    cwd: ROOT,
    env: { ...inherited, ...env, LOG_LEVEL: "info", DATABASE_URL: databaseUrl, SWITCHYARD_DATA_DIR: mkdtempSync(join(tmpdir(), "sy-admin-proc-")) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const urlOf = () => /listening on (http:\/\/\S+?)[\s,]/.exec(output)?.[1];
  const exited = new Promise<void>((resolve) => process_.once("exit", () => resolve()));
  // Resolves on the line that announces the URL (an event, not a timer); fails if the process dies first.
  const listening = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer did not start within 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (urlOf()) {
        clearTimeout(timer);
        resolve();
      }
    };
    process_.stdout!.on("data", onData);
    process_.stderr!.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`peer exited before listening:\n${output}`));
    });
  });
  return (async () => {
    await listening;
    return {
      url: urlOf()!,
      kind: "process" as const,
      logs: () => output,
      close: async () => {
        if (process_.exitCode === null) process_.kill("SIGTERM");
        await exited;
      },
    };
  })();
}

/** A fresh database, a fake OpenAI upstream and one gateway instance; peers join the same database. */
export async function startCluster(extraEnv: Record<string, string> = {}): Promise<Cluster> {
  const upstream = await startFakeOpenAI();
  const database = await createTestDatabase();
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "trace",
    SWITCHYARD_ADMIN_KEY: ADMIN_KEY,
    SWITCHYARD_SECRET_KEY: SECRET_KEY,
    OPENAI_API_KEY: "sk-upstream-test",
    OPENAI_BASE_URL: upstream.baseUrl,
    SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    ...extraEnv,
  };
  const instances: Instance[] = [];
  const primary = await inProcess(database, env);
  instances.push(primary);
  return {
    database,
    upstream,
    env,
    primary,
    addInProcessPeer: async () => {
      const peer = await inProcess(database, env);
      instances.push(peer);
      return peer;
    },
    addProcessPeer: async () => {
      if (!database.databaseUrl) return null;
      const peer = await child(database.databaseUrl, env);
      instances.push(peer);
      return peer;
    },
    close: async () => {
      for (const instance of instances.reverse()) await instance.close().catch(() => undefined);
      await database.dispose();
      await upstream.close();
    },
  };
}

/** POST /graphql with a key; returns status, headers and the parsed body. */
export async function gql(
  url: string,
  key: string | null,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; headers: Headers; body: { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(`${url}/graphql`, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as never };
}

/** POST /v1/chat/completions (OpenAI wire format). */
export async function chat(url: string, key: string, body: Record<string, unknown>): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
}

export const CREATE_KEY = `mutation($input: CreateApiKeyInput!) {
  createApiKey(input: $input) { secret apiKey { id name prefix role allowedModels requestsPerMinute tokensPerMinute
    budget { limitUsd period spentUsd reservedUsd resetsAt } createdAt lastUsedAt revokedAt } } }`;

/** Creates a key through the admin API; returns its id and secret. */
export async function createKey(url: string, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const result = await gql(url, ADMIN_KEY, CREATE_KEY, { input: { role: "APP", ...input } });
  const payload = result.body.data?.createApiKey as { secret: string; apiKey: { id: string } } | undefined;
  if (!payload) throw new Error(`createApiKey failed: ${JSON.stringify(result.body)}`);
  return { id: payload.apiKey.id, secret: payload.secret };
}
