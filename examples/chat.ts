/**
 * `npm run example:chat -- "your prompt"`: streams a completion over graphql-ws with the generated
 * types, showing the route decision, the tokens as they arrive, and the final cost.
 * Env: SWITCHYARD_URL (default http://127.0.0.1:4000), SWITCHYARD_API_KEY (required), SWITCHYARD_MODEL (default local/lorem).
 */
import { print } from "graphql";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { CompletionStreamDocument, type CompletionStreamSubscription, type CompletionStreamSubscriptionVariables } from "./generated/graphql.js";

const url = (process.env.SWITCHYARD_URL ?? "http://127.0.0.1:4000").replace(/^http/, "ws") + "/graphql";
const apiKey = process.env.SWITCHYARD_API_KEY;
const prompt = process.argv.slice(2).join(" ") || "Tell me about switchyards.";
if (!apiKey) {
  process.stderr.write("Set SWITCHYARD_API_KEY to a gateway key (the admin key printed by the first `npm start`).\n");
  process.exit(1);
}

const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${apiKey}` }, retryAttempts: 0 });
const variables: CompletionStreamSubscriptionVariables = { input: { model: process.env.SWITCHYARD_MODEL ?? "local/lorem", content: prompt } };

try {
  const events = client.iterate<CompletionStreamSubscription, unknown>({ query: print(CompletionStreamDocument), variables });
  for await (const result of events) {
    if (result.errors?.length) throw new Error(result.errors.map((error) => error.message).join("; "));
    const event = result.data?.completionStream;
    if (!event) continue;
    switch (event.__typename) {
      case "RouteDecided":
        process.stdout.write(`→ ${event.model.id} via ${event.provider.name} (attempt ${event.attempt}: ${event.reason})\n\n`);
        break;
      case "TokenDelta":
        process.stdout.write(event.text);
        break;
      case "CompletionFinished": {
        const request = event.request;
        const cost = request.costUsd === null || request.costUsd === undefined ? "unpriced" : `$${request.costUsd.toFixed(8)}`;
        process.stdout.write(`\n\n✓ ${request.status} · ${request.inputTokens} in / ${request.outputTokens} out tokens (${request.usageSource}) · ${cost} · ${request.latencyMs ?? "?"} ms\n`);
        break;
      }
      case "CompletionFailed":
        process.stdout.write(`\n\n✗ ${event.code}: ${event.error}\n`);
        process.exitCode = 1;
        break;
    }
  }
} finally {
  await client.dispose();
}
