/** A fresh PostgreSQL database per run (when DATABASE_URL is set) and the bench API key. */
import pg from "pg";

export interface BenchDatabase { url: string | null; drop(): Promise<void> }

export async function createBenchDatabase(baseUrl: string | undefined): Promise<BenchDatabase> {
  if (!baseUrl) return { url: null, drop: async () => undefined };
  const name = `switchyard_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await client.end();
    },
  };
}

async function graphql<T>(url: string, key: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (!body.data || body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors ?? body)}`);
  return body.data;
}

/** An APP key with a large budget and high rate limits, so admission does its full work on every request. */
export async function createBenchKey(url: string, adminKey: string, limited = true): Promise<string> {
  const data = await graphql<{ createApiKey: { secret: string } }>(
    url,
    adminKey,
    "mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }",
    { input: limited ? { name: "bench", role: "APP", budgetUsd: 1_000_000, budgetPeriod: "TOTAL", requestsPerMinute: 1_000_000_000, tokensPerMinute: 1_000_000_000 } : { name: "bench-unlimited", role: "APP" } },
  );
  return data.createApiKey.secret;
}
