import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { formatPicoUsd } from "../../src/core/pricing/money.js";

/** A graphql-ws client as a browser app would use it (Node 20 has no global WebSocket). */
export function wsClient(httpUrl: string, key: string): Client {
  return createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
  });
}

/** Exact expected cost in USD (12 decimals) from per-MTok prices given in micro-USD per token. */
export function expectedCost(inputTokens: number, outputTokens: number, inputPerMTok: number, outputPerMTok: number): string {
  const pico = BigInt(inputTokens) * BigInt(Math.round(inputPerMTok * 1e6)) + BigInt(outputTokens) * BigInt(Math.round(outputPerMTok * 1e6));
  return formatPicoUsd(pico);
}

export const STREAM_SUBSCRIPTION = /* GraphQL */ `
  subscription Stream($input: CompletionInput!) {
    completionStream(input: $input) {
      __typename
      ... on RouteDecided { requestId attempt reason provider { id } model { id } }
      ... on TokenDelta { requestId index text }
      ... on CompletionFinished {
        requestId content finishReason
        message { id role content }
        request { id status inputTokens outputTokens cachedInputTokens costUsd costUsdDecimal usageSource servedModel attempts { providerId modelId status } }
      }
      ... on CompletionFailed { requestId code error: message request { id status } }
    }
  }
`;

export type StreamEvent = Record<string, unknown> & { __typename: string };
