import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { startApp, type RunningApp } from "../../src/server/app.js";
import { graphqlData, graphqlRequest } from "../support/graphql-client.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/**
 * The app as `npm start` runs it (it opens and owns its database), stopped and started again on the same
 * storage: the PGlite data directory, or the same PostgreSQL database when DATABASE_URL is set.
 */
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function start(env: Record<string, string>): Promise<RunningApp> {
  const config = loadConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
    ...env,
  });
  const app = await startApp(config, { logger: pino({ level: config.logLevel }) });
  cleanups.push(() => app.close());
  return app;
}

interface Written {
  conversationId: string;
  requestId: string;
  userMessageId: string;
  assistantMessageId: string;
}

async function writeConversation(app: RunningApp, key: string): Promise<Written> {
  const { createConversation } = await graphqlData<{ createConversation: { id: string } }>(
    app.url,
    key,
    `mutation { createConversation(input: { title: "Before the restart", model: "local/echo", systemPrompt: "Echo." }) { id } }`,
  );
  const { sendMessage } = await graphqlData<{
    sendMessage: { userMessage: { id: string }; assistantMessage: { id: string; content: string }; request: { id: string; status: string } };
  }>(
    app.url,
    key,
    `mutation($input: SendMessageInput!) { sendMessage(input: $input) {
      userMessage { id } assistantMessage { id content } request { id status } } }`,
    { input: { conversationId: createConversation.id, content: "remember me" } },
  );
  expect(sendMessage.assistantMessage.content).toBe("remember me");
  expect(sendMessage.request.status).toBe("SUCCEEDED");
  return {
    conversationId: createConversation.id,
    requestId: sendMessage.request.id,
    userMessageId: sendMessage.userMessage.id,
    assistantMessageId: sendMessage.assistantMessage.id,
  };
}

async function expectStillThere(app: RunningApp, key: string, written: Written): Promise<void> {
  const data = await graphqlData<{
    conversation: { id: string; title: string; totalTokens: number; messages: { totalCount: number; edges: { node: Record<string, unknown> }[] } } | null;
    completionRequests: { edges: { node: Record<string, unknown> }[] };
  }>(
    app.url,
    key,
    `query($id: ID!) {
      conversation(id: $id) { id title totalTokens messages { totalCount edges { node { id role content request { id } } } } }
      completionRequests(first: 10) { edges { node { id status requestedModel servedModel inputTokens outputTokens conversationId protocol } } }
    }`,
    { id: written.conversationId },
  );
  expect(data.conversation).toMatchObject({ id: written.conversationId, title: "Before the restart" });
  expect(data.conversation!.totalTokens).toBeGreaterThan(0);
  expect(data.conversation!.messages.edges.map((edge) => edge.node)).toEqual([
    { id: written.userMessageId, role: "USER", content: "remember me", request: null },
    { id: written.assistantMessageId, role: "ASSISTANT", content: "remember me", request: { id: written.requestId } },
  ]);
  const request = data.completionRequests.edges.map((edge) => edge.node).find((node) => node.id === written.requestId);
  expect(request).toMatchObject({
    status: "SUCCEEDED",
    requestedModel: "local/echo",
    servedModel: "local/echo",
    conversationId: written.conversationId,
    protocol: "graphql",
  });
  expect(request!.inputTokens).toBeGreaterThan(0);
  expect(request!.outputTokens).toBeGreaterThan(0);
}

/** Start, write, stop, start again on the same storage, read back; the generated admin key is kept, not replaced. */
async function restartScenario(env: Record<string, string>): Promise<void> {
  const first = await start(env);
  const adminKey = first.generatedAdminKey;
  expect(adminKey).toEqual(expect.any(String));
  const written = await writeConversation(first, adminKey!);
  await first.close();

  const second = await start(env);
  expect(second.generatedAdminKey).toBeNull();
  await expectStillThere(second, adminKey!, written);
  const apiKeys = await graphqlData<{ apiKeys: { role: string; revokedAt: string | null }[] }>(second.url, adminKey!, `{ apiKeys { role revokedAt } }`);
  expect(apiKeys.apiKeys.filter((key) => key.role === "ADMIN")).toHaveLength(1);
  await second.close();

  // And once more: the second start changed nothing that a third start would notice.
  const third = await start(env);
  expect(third.generatedAdminKey).toBeNull();
  const me = await graphqlRequest<{ me: { role: string } }>(third.url, `{ me { role } }`, { key: adminKey });
  expect(me.body.data?.me.role).toBe("ADMIN");
  await third.close();
}

describe("data survives a restart", () => {
  it("on the same PGlite data directory (SWITCHYARD_DATA_DIR)", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "sy-restart-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await restartScenario({ SWITCHYARD_DATA_DIR: dataDir });
    // The embedded database and the generated secret key live under the data dir, nowhere else.
    expect(await readdir(dataDir)).toEqual(expect.arrayContaining(["pglite"]));
  });

  it.skipIf(!process.env.DATABASE_URL)("on the same PostgreSQL database (DATABASE_URL)", async () => {
    const database: TestDatabase = await createTestDatabase();
    cleanups.push(() => database.dispose());
    const dataDir = await mkdtemp(join(tmpdir(), "sy-restart-pg-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    await restartScenario({ DATABASE_URL: database.databaseUrl!, SWITCHYARD_DATA_DIR: dataDir });
  });
});
