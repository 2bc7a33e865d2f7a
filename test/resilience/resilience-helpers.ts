import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { graphqlData } from "../support/graphql-client.js";

/** One decision-trail entry as GraphQL `CompletionRequest.attempts` exposes it. */
export interface AttemptView {
  index: number;
  providerId: string;
  modelId: string;
  status: string;
  reason: string | null;
  errorKind: string | null;
  errorMessage: string | null;
  httpStatus: number | null;
  latencyMs: number | null;
}

export interface RequestView {
  id: string;
  status: string;
  servedModel: string | null;
  usageSource: string;
  inputTokens: number;
  outputTokens: number;
  errorCode: string | null;
  errorMessage: string | null;
  routingReason: string | null;
  attempts: AttemptView[];
  candidates: { modelId: string; eligible: boolean; reason: string }[];
}

const REQUEST_FIELDS = `id status servedModel usageSource inputTokens outputTokens errorCode errorMessage routingReason
  attempts { index providerId modelId status reason errorKind errorMessage httpStatus latencyMs }
  candidates { modelId eligible reason }`;

/** The newest completion requests through GraphQL `completionRequests` (newest first). */
export async function recentRequests(url: string, adminKey: string, first = 20): Promise<RequestView[]> {
  const data = await graphqlData<{ completionRequests: { edges: { node: RequestView }[] } }>(
    url,
    adminKey,
    `query($first: Int) { completionRequests(first: $first) { edges { node { ${REQUEST_FIELDS} } } } }`,
    { first },
  );
  return data.completionRequests.edges.map((edge) => edge.node);
}

/** Waits until the request with this id is settled (no longer RUNNING) and returns it as GraphQL shows it. */
export async function settledRequest(url: string, adminKey: string, id: string): Promise<RequestView> {
  let found: RequestView | undefined;
  await expect
    .poll(async () => {
      found = (await recentRequests(url, adminKey)).find((request) => request.id === id);
      return found?.status ?? "absent";
    })
    .not.toMatch(/^(absent|RUNNING)$/);
  return found as RequestView;
}

/** The newest settled request (for error responses, which carry no request id header). */
export async function newestSettledRequest(url: string, adminKey: string, previousIds: Set<string>): Promise<RequestView> {
  let found: RequestView | undefined;
  await expect
    .poll(async () => {
      found = (await recentRequests(url, adminKey)).find((request) => !previousIds.has(request.id));
      return found?.status ?? "absent";
    })
    .not.toMatch(/^(absent|RUNNING)$/);
  return found as RequestView;
}

export async function knownRequestIds(url: string, adminKey: string): Promise<Set<string>> {
  return new Set((await recentRequests(url, adminKey, 100)).map((request) => request.id));
}

/** A port nothing listens on: bound, read, then released (connection refused from then on). */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** POST a JSON body to the app with the given key. */
export function postJson(url: string, path: string, key: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

export const user = (content: string) => [{ role: "user" as const, content }];

/** `[provider, status, errorKind]` per attempt: the decision trail in one comparable line. */
export function attemptSummary(request: RequestView): [string, string, string | null][] {
  return request.attempts.map((attempt) => [attempt.providerId, attempt.status, attempt.errorKind]);
}
