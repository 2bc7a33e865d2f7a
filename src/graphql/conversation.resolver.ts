import "reflect-metadata";
import { GraphQLJSONObject } from "graphql-scalars";
import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { usdToNumber } from "../core/pricing/money.js";
import type { CompletionRequestRow, ConversationRow, MessageRow } from "../db/schema/index.js";
import type { Page } from "../services/requests/page.js";
import { callerOf, chatServices } from "./chat.mapping.js";
import { CompletionRequest } from "./completion-request.type.js";
import { SendMessagePayload } from "./completion-event.type.js";
import { CreateConversationInput, SendMessageInput } from "./completion.input.js";
import type { GraphQLContext } from "./context.js";
import { Conversation, ConversationConnection, Message, MessageConnection } from "./conversation.type.js";

@Resolver(() => Conversation)
export class ConversationResolver {
  @Query(() => ConversationConnection, { description: "The calling key's conversations, newest first." })
  async conversations(
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<Page<ConversationRow>> {
    const page = await chatServices(context).conversations.list(context.principal, { first, after });
    for (const edge of page.edges) context.chat.conversationById.prime(edge.node.id, edge.node);
    return page;
  }

  @Query(() => Conversation, { nullable: true })
  async conversation(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<ConversationRow | null> {
    return context.chat.conversationById.load(id);
  }

  @Mutation(() => Conversation)
  async createConversation(@Arg("input", () => CreateConversationInput) input: CreateConversationInput, @Ctx() context: GraphQLContext): Promise<ConversationRow> {
    return chatServices(context).conversations.create(context.principal, input);
  }

  @Mutation(() => Boolean, { description: "Deletes the conversation and its messages (its completion requests stay recorded). False when it did not exist." })
  async deleteConversation(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<boolean> {
    return chatServices(context).conversations.delete(context.principal, id);
  }

  @Mutation(() => SendMessagePayload, { description: "Appends a user message, runs a completion over the history and stores the answer." })
  async sendMessage(@Arg("input", () => SendMessageInput) input: SendMessageInput, @Ctx() context: GraphQLContext): Promise<SendMessagePayload> {
    const services = chatServices(context);
    const finished = await services.chat.run(callerOf(context), {
      conversationId: input.conversationId,
      content: input.content,
      target: input.model ?? null,
      stream: false,
    });
    const conversation = await services.conversations.get(context.principal, input.conversationId);
    const userMessage = finished.userMessages.at(-1);
    if (!userMessage) throw new Error("sendMessage stored no user message");
    return { conversation, userMessage, assistantMessage: finished.assistantMessage, notes: finished.turn.notes, requestId: finished.completion.id };
  }

  @FieldResolver(() => MessageConnection, { description: "Oldest first." })
  async messages(
    @Root() conversation: ConversationRow,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() context: GraphQLContext,
  ): Promise<Page<MessageRow>> {
    return context.chat.messagePage.load({ conversationId: conversation.id, first, after });
  }

  @FieldResolver(() => Int)
  async totalTokens(@Root() conversation: ConversationRow, @Ctx() context: GraphQLContext): Promise<number> {
    return (await context.chat.conversationTotals.load(conversation.id)).totalTokens;
  }

  @FieldResolver(() => Float, { description: "USD, summed exactly in the database." })
  async totalCostUsd(@Root() conversation: ConversationRow, @Ctx() context: GraphQLContext): Promise<number> {
    return usdToNumber((await context.chat.conversationTotals.load(conversation.id)).totalCostUsd);
  }

  @FieldResolver(() => String, { description: "totalCostUsd as an exact decimal string." })
  async totalCostUsdDecimal(@Root() conversation: ConversationRow, @Ctx() context: GraphQLContext): Promise<string> {
    return (await context.chat.conversationTotals.load(conversation.id)).totalCostUsd;
  }

  @FieldResolver(() => String, { nullable: true, description: "Default model or route of the conversation's turns." })
  model(@Root() conversation: ConversationRow): string | null {
    return conversation.model;
  }

  @FieldResolver(() => String, { nullable: true })
  systemPrompt(@Root() conversation: ConversationRow): string | null {
    return conversation.systemPrompt;
  }

  @FieldResolver(() => GraphQLJSONObject, { nullable: true })
  metadata(@Root() conversation: ConversationRow): Record<string, unknown> | null {
    return conversation.metadata;
  }
}

@Resolver(() => Message)
export class MessageResolver {
  @FieldResolver(() => CompletionRequest, { nullable: true, description: "For assistant messages: the request that produced it." })
  async request(@Root() message: MessageRow, @Ctx() context: GraphQLContext): Promise<CompletionRequestRow | null> {
    return message.completionRequestId ? context.chat.requestById.load(message.completionRequestId) : null;
  }

  @FieldResolver(() => Conversation, { nullable: true })
  async conversation(@Root() message: MessageRow, @Ctx() context: GraphQLContext): Promise<ConversationRow | null> {
    return context.chat.conversationById.load(message.conversationId);
  }
}

@Resolver(() => SendMessagePayload)
export class SendMessagePayloadResolver {
  @FieldResolver(() => CompletionRequest)
  async request(@Root() payload: SendMessagePayload, @Ctx() context: GraphQLContext): Promise<CompletionRequestRow | null> {
    return context.chat.requestById.load(payload.requestId);
  }
}
