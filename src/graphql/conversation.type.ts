import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { connectionType } from "./connection.type.js";
import { MessageRole } from "./enums.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType("Message")
export class Message {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  conversationId!: string;

  @Field(() => MessageRole)
  role!: "SYSTEM" | "USER" | "ASSISTANT" | "TOOL";

  @Field(() => String)
  content!: string;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Set on assistant messages: the request that produced it (resolved by a later issue's field resolver). */
  requestId?: string | null;
}

export const MessageConnection = connectionType("Message", Message);

@ObjectType("Conversation")
@Directive('@key(fields: "id")')
export class Conversation {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  @Field(() => Int, { description: "Input + output tokens over the conversation's requests." })
  totalTokens!: number;

  @Field(() => Float, { description: "USD." })
  totalCostUsd!: number;
}

export const ConversationConnection = connectionType("Conversation", Conversation);
