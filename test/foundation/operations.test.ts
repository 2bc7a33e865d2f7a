import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { graphqlRequest } from "../support/graphql-client.js";
import { startTestApp, type TestApp } from "../support/start-server.js";
import { openProtocolSocket } from "../support/websocket.js";

describe("health, metrics and WebSockets on a running app", () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(async () => {
    await testApp?.dispose();
  });

  it("GET /healthz answers without a key", async () => {
    const response = await fetch(`${testApp.app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /readyz is ready when the database answers and migrations are applied", async () => {
    const response = await fetch(`${testApp.app.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ready" });
  });

  it("GET /metrics serves Prometheus text with process metrics, request durations and rejections", async () => {
    await graphqlRequest(testApp.app.url, "{ me { id } }", { key: null });
    const response = await fetch(`${testApp.app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^# HELP process_cpu_user_seconds_total/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^switchyard_requests_rejected_total\{reason="unauthenticated"\} [1-9]\d*$/m);
    expect(text).toMatch(/^switchyard_http_request_duration_seconds_count\{method="POST",route="\/graphql",status="401"\} [1-9]/m);
  });

  it("runs operations over graphql-ws with connectionParams authorization", async () => {
    const client = createClient({
      url: `${testApp.app.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${testApp.adminKey}` },
      retryAttempts: 0,
    });
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        let value: unknown;
        client.subscribe({ query: "{ me { role } model(id: \"openai/gpt-4o-mini\") { id } }" }, {
          next: (data) => (value = data),
          error: reject,
          complete: () => resolve(value),
        });
      });
      expect(result).toEqual({ data: { me: { role: "ADMIN" }, model: { id: "openai/gpt-4o-mini" } } });
    } finally {
      await client.dispose();
    }
  });

  it("accepts the upgrade request's Authorization header", async () => {
    const connection = await openProtocolSocket(testApp.app.url, { authorization: `Bearer ${testApp.adminKey}` });
    connection.send({ type: "connection_init" });
    expect(await connection.next("connection_ack")).toMatchObject({ type: "connection_ack" });
    connection.socket.close(1000);
    await connection.closed;
  });

  it("closes an unauthenticated or wrongly authenticated socket with 4401", async () => {
    for (const payload of [undefined, { authorization: "Bearer sy-wrong" }]) {
      const connection = await openProtocolSocket(testApp.app.url);
      connection.send(payload ? { type: "connection_init", payload } : { type: "connection_init" });
      expect((await connection.closed).code).toBe(4401);
    }
  });
});

describe("metrics token", () => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await startTestApp({ SWITCHYARD_METRICS_TOKEN: "metrics-secret" });
  });
  afterAll(async () => {
    await testApp?.dispose();
  });

  it("guards /metrics when SWITCHYARD_METRICS_TOKEN is set", async () => {
    expect((await fetch(`${testApp.app.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${testApp.app.url}/metrics`, { headers: { authorization: "Bearer wrong-secret!" } })).status).toBe(401);
    const allowed = await fetch(`${testApp.app.url}/metrics`, { headers: { authorization: "Bearer metrics-secret" } });
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("switchyard_requests_rejected_total");
  });

  it("fails readiness with a reason while the database is unreachable", async () => {
    await testApp.database.close();
    const response = await fetch(`${testApp.app.url}/readyz`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { status: string; reason: string };
    expect(body.status).toBe("unavailable");
    expect(body.reason).toMatch(/database/);
    // The process itself is still up.
    expect((await fetch(`${testApp.app.url}/healthz`)).status).toBe(200);
  });
});

describe("graceful shutdown", () => {
  it("closes open WebSockets, refuses new connections and finishes within the bound", async () => {
    const testApp = await startTestApp({ SWITCHYARD_SHUTDOWN_TIMEOUT_MS: "5000" });
    try {
      const connection = await openProtocolSocket(testApp.app.url);
      connection.send({ type: "connection_init", payload: { authorization: `Bearer ${testApp.adminKey}` } });
      await connection.next("connection_ack");
      expect(testApp.app.webSockets.clientCount).toBe(1);

      const started = performance.now();
      await testApp.app.close();
      const elapsed = performance.now() - started;

      expect(elapsed).toBeLessThan(testApp.config.shutdownTimeoutMs);
      expect((await connection.closed).code).toBe(1001);
      expect(testApp.app.httpServer.listening).toBe(false);
      await expect(fetch(`${testApp.app.url}/healthz`)).rejects.toThrow();
    } finally {
      await testApp.dispose();
    }
  });
});
