import type { Server } from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import type { RequestHandler } from "express";
import type { GraphQLSchema } from "graphql";
import { createGraphQLContext, type CallerPrincipal, type GraphQLContext, type GraphQLServices } from "../graphql/context.js";
import { formatGraphQLError } from "../graphql/errors.js";
import type { Logger } from "pino";
import { drainPlugin, errorLoggingPlugin, rejectHttpSubscriptionsPlugin } from "./apollo.plugins.js";
import { apolloHardening } from "./graphql-hardening.js";

export interface GraphQLHttpServer {
  apollo: ApolloServer<GraphQLContext>;
  /** The Express handler for `/graphql`; expects `express.json()` and authentication before it. */
  handler: RequestHandler;
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
  return { apollo, handler };
}
