import "reflect-metadata";
import { Arg, Ctx, Mutation, Resolver, Root, Subscription, type SubscribeResolverData } from "type-graphql";
import type { ArgsDictionary } from "type-graphql";
import { AppError } from "../core/model/errors.js";
import { abortOnReturn } from "./abort-on-return.js";
import { callerOf, chatServices, turnInputOf } from "./chat.mapping.js";
import { CompletionEvent, CompletionResult, type CompletionEventRoot } from "./completion-event.type.js";
import { CompletionInput } from "./completion.input.js";
import { completionEvents } from "./completion-stream.js";
import type { GraphQLContext } from "./context.js";

/**
 * Starts the turn before returning the stream, so a refused request (NOT_FOUND, BUDGET_EXCEEDED,
 * RATE_LIMITED...) is a GraphQL error with extensions.code, and unsubscribing aborts its signal.
 */
async function subscribeToCompletion({ args, context }: SubscribeResolverData<unknown, ArgsDictionary, GraphQLContext>): Promise<AsyncIterable<CompletionEventRoot>> {
  const input = args.input as CompletionInput;
  const controller = new AbortController();
  const turn = await chatServices(context).chat.start(callerOf(context), turnInputOf(input, true, controller.signal));
  return abortOnReturn(() => completionEvents(turn), controller);
}

@Resolver()
export class CompletionResolver {
  @Mutation(() => CompletionResult, { description: "A completion through the routing core; with a conversationId both messages are stored." })
  async complete(@Arg("input", () => CompletionInput) input: CompletionInput, @Ctx() context: GraphQLContext): Promise<CompletionResult> {
    const { turn, completion, assistantMessage } = await chatServices(context).chat.run(callerOf(context), turnInputOf(input, false));
    if (completion.outcome.status !== "SUCCEEDED") {
      const error = completion.error ?? new AppError("UPSTREAM_ERROR", "the request failed");
      // The row exists (FAILED / ABORTED): say which, so the client can read its decision trail.
      throw new AppError(error.code, error.message, { retryAfterMs: error.retryAfterMs, details: { ...error.details, requestId: completion.id } });
    }
    return {
      content: completion.outcome.text,
      finishReason: completion.outcome.finishReason,
      message: assistantMessage,
      notes: turn.notes,
      toolCalls: completion.outcome.toolCalls,
      requestId: completion.id,
    };
  }

  @Subscription(() => CompletionEvent, {
    description: "A streamed completion over graphql-ws. Unsubscribing aborts the upstream request (settled as ABORTED with the usage so far).",
    subscribe: subscribeToCompletion,
  })
  completionStream(@Root() event: CompletionEventRoot, @Arg("input", () => CompletionInput) _input: CompletionInput): CompletionEventRoot {
    return event;
  }
}
