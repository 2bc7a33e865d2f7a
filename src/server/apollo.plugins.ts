import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { AppError } from "../core/model/index.js";

/**
 * STACK pitfall 13: a subscription POSTed over HTTP would run as a plain operation and fail with a
 * confusing "Cannot return null" error. Say where subscriptions live instead.
 */
export function rejectHttpSubscriptionsPlugin<TContext extends object>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === "subscription") {
            throw new GraphQLError("Subscriptions are served over graphql-ws: connect a WebSocket to /graphql (protocol graphql-transport-ws).", {
              extensions: { code: "BAD_USER_INPUT", http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

/** Runs `stop` while Apollo drains (after HTTP stops accepting), e.g. to close graphql-ws sockets. */
export function drainPlugin<TContext extends object>(stop: () => Promise<void>): ApolloServerPlugin<TContext> {
  return {
    async serverWillStart() {
      return {
        async drainServer() {
          await stop();
        },
      };
    },
  };
}

/** Logs resolver errors that are not deliberate AppErrors: clients only see a masked message for them. */
export function errorLoggingPlugin<TContext extends object>(logger: Logger): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, operationName }) {
          for (const error of errors) {
            if (error.originalError instanceof AppError || error.originalError instanceof GraphQLError || !error.originalError) continue;
            logger.error({ err: error.originalError, path: error.path, operationName }, "unexpected GraphQL resolver error");
          }
        },
      };
    },
  };
}
