import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { GraphQLError, specifiedRules, validate, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { createGraphQLContext, type CallerPrincipal, type GraphQLServices } from "../graphql/context.js";
import { formatGraphQLError } from "../graphql/errors.js";
import type { KeyAuthenticator } from "./authentication.js";
import { hardeningValidationRules } from "./graphql-hardening.js";
import type { AppMetrics } from "./metrics.js";

/** SPEC §8: an unauthenticated graphql-ws socket is closed with this code (not graphql-ws's default 4403). */
export const CLOSE_UNAUTHORIZED = 4401;

export interface GraphQLWebSocketServer {
  /** Closes every socket (1001 Going away) and stops the WebSocket server. */
  dispose(): Promise<void>;
  /** Open sockets, for drain checks and tests. */
  readonly clientCount: number;
}

function connectionAuthorization(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === "string" ? value : undefined;
}

/** graphql-ws on the HTTP server's `/graphql` path, authenticated per connection. */
export function startGraphQLWebSocketServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: GraphQLServices;
  authenticator: KeyAuthenticator;
  metrics: AppMetrics;
  logger: Logger;
  development: boolean;
  /** Largest message accepted (default: ws's own). */
  maxPayloadBytes?: number;
}): GraphQLWebSocketServer {
  const { authenticator, metrics, development } = options;
  // maxPayload: the HTTP body limit applies to WebSocket messages too (ws defaults to 100 MiB).
  const webSocketServer = new WebSocketServer({ server: options.httpServer, path: "/graphql", maxPayload: options.maxPayloadBytes });
  const validationRules = [...specifiedRules, ...hardeningValidationRules()];
  const formatErrors = (errors: readonly GraphQLError[]) =>
    errors.map((error) => formatGraphQLError(error.toJSON(), error, development));

  const cleanup = useServer<Record<string, unknown> | undefined, { principal: CallerPrincipal }>(
    {
      schema: options.schema,
      // The HTTP endpoint's depth, alias and cost limits apply to subscriptions too.
      // Coded like Apollo's, so the error formatter passes them through instead of masking them.
      validate: (schema, document) =>
        validate(schema, document, validationRules).map(
          (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { ...error.extensions, code: "GRAPHQL_VALIDATION_FAILED" } }),
        ),
      onConnect: async (context) => {
        const header = connectionAuthorization(context.connectionParams) ?? context.extra.request.headers.authorization;
        const secret = authenticator.parseAuthorization(header);
        const principal = secret ? await authenticator.authenticate(secret) : null;
        if (!principal) {
          metrics.rejected("unauthenticated");
          // Returning false alone would close with 4403; the contract says 4401 (the later 4403 is a no-op).
          context.extra.socket.close(CLOSE_UNAUTHORIZED, "Unauthorized");
          return false;
        }
        context.extra.principal = principal;
        return true;
      },
      context: (context) => {
        const principal = context.extra.principal;
        if (!principal) throw new Error("graphql-ws operation on an unauthenticated socket");
        return createGraphQLContext(options.services, principal, randomUUID());
      },
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: formatErrors(result.errors) } : undefined,
      onError: (_context, _id, _payload, errors) => formatErrors(errors),
    },
    webSocketServer,
  );
  webSocketServer.on("error", (error) => options.logger.error({ err: error }, "websocket server error"));

  return {
    dispose: async () => {
      await cleanup.dispose();
    },
    get clientCount() {
      return webSocketServer.clients.size;
    },
  };
}
