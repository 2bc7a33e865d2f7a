import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { ApolloServer, HeaderMap, type ApolloServerPlugin, type HTTPGraphQLResponse } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import type { RequestHandler } from "express";
import type { GraphQLSchema } from "graphql";
import { createGraphQLContext, type CallerPrincipal, type GraphQLContext, type GraphQLServices } from "../graphql/context.js";
import { formatGraphQLError } from "../graphql/errors.js";
import { sendJsonText } from "../http/shared/json-response.js";
import type { Logger } from "pino";
import { drainPlugin, errorLoggingPlugin, rejectHttpSubscriptionsPlugin } from "./apollo.plugins.js";
import { apolloHardening } from "./graphql-hardening.js";

export interface GraphQLHttpServer {
  apollo: ApolloServer<GraphQLContext>;
  /** The Express handler for `/graphql`; expects `express.json()` and authentication before it. */
  handler: RequestHandler;
  /**
   * The same as `handler` on plain node:http (the REST fast path's `POST /graphql`): the body is already
   * parsed (undefined when not JSON) and the caller authenticated.
   */
  execute(request: IncomingMessage, response: ServerResponse, body: unknown, principal: CallerPrincipal, requestId: string): Promise<void>;
}

/** Apollo's response written the way the Express integration's `res.send` writes it (length, weak ETag). */
async function writeApolloResponse(response: ServerResponse, result: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of result.headers) response.setHeader(key, value);
  const status = result.status || 200;
  if (result.body.kind === "complete") return sendJsonText(response, status, result.body.string);
  response.statusCode = status;
  for await (const chunk of result.body.asyncIterator) response.write(chunk);
  response.end();
}

/** Apollo Server 5 over Express 5. `stop()` on the returned Apollo drains HTTP, then runs `onDrain`. */
export async function startGraphQLHttpServer(options: {
  httpServer: Server;
  schema: GraphQLSchema;
  services: GraphQLServices;
  development: boolean;
  introspection: boolean;
  shutdownTimeoutMs: number;
  onDrain: () => Promise<void>;
  logger: Logger;
}): Promise<GraphQLHttpServer> {
  const hardening = apolloHardening({ development: options.development });
  const apollo = new ApolloServer<GraphQLContext>({
    schema: options.schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: options.development,
    formatError: (formatted, error) => formatGraphQLError(formatted, error, options.development),
    // Depth, alias, cost, directive and token limits (graphql-armor): refused at validation, before any resolver.
    validationRules: hardening.validationRules,
    parseOptions: hardening.parseOptions,
    // CSRF prevention stays on (the default): GETs and simple POSTs need a preflight header.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: options.httpServer, stopGracePeriodMillis: options.shutdownTimeoutMs }),
      drainPlugin<GraphQLContext>(options.onDrain),
      ApolloServerPluginInlineTraceDisabled(),
      // No @cacheControl hints in this schema: the default cache-control plugin only added a hook per resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Never send traces to GraphOS, even when APOLLO_KEY happens to be in the environment.
      ApolloServerPluginUsageReportingDisabled(),
      rejectHttpSubscriptionsPlugin<GraphQLContext>(),
      errorLoggingPlugin<GraphQLContext>(options.logger),
      ...(hardening.plugins as ApolloServerPlugin<GraphQLContext>[]),
    ],
  });
  await apollo.start();
  const handler = expressMiddleware(apollo, {
    context: async ({ res }) =>
      createGraphQLContext(options.services, res.locals.principal as CallerPrincipal, res.locals.requestId as string),
  });
  const execute = async (request: IncomingMessage, response: ServerResponse, body: unknown, principal: CallerPrincipal, requestId: string): Promise<void> => {
    const headers = new HeaderMap();
    const raw = request.headers;
    for (const key in raw) {
      const value = raw[key];
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const url = request.url ?? "";
    const query = url.indexOf("?");
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: "POST", headers, search: query < 0 ? "" : url.slice(query), body },
      context: async () => createGraphQLContext(options.services, principal, requestId),
    });
    await writeApolloResponse(response, result);
  };
  return { apollo, handler, execute };
}
