import "reflect-metadata";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { MessageRole, RequestStatus } from "./enums.js";
import { DateTimeScalar } from "./scalars.js";

@InputType("ToolCallInput", { description: "A tool call the model made, sent back in an ASSISTANT message." })
export class ToolCallInput {
  @Field(() => String)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The arguments as JSON text, as the model produced them." })
  arguments!: string;
}

@InputType("ChatMessageInput")
export class ChatMessageInput {
  @Field(() => MessageRole)
  role!: "SYSTEM" | "USER" | "ASSISTANT" | "TOOL";

  @Field(() => String)
  content!: string;

  @Field(() => [ToolCallInput], { nullable: true, description: "ASSISTANT messages: the tool calls of an earlier result (tool round trips)." })
  toolCalls?: ToolCallInput[] | null;

  @Field(() => String, { nullable: true, description: "TOOL messages: the id of the tool call this result answers." })
  toolCallId?: string | null;
}

@InputType("ToolInput", { description: "A function the model may call." })
export class ToolInput {
  @Field(() => String)
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => GraphQLJSONObject, { description: "JSON Schema of the arguments." })
  parameters!: Record<string, unknown>;
}

@InputType("ResponseFormatInput", { description: "type: text, json_object or json_schema (then name and schema)." })
export class ResponseFormatInput {
  @Field(() => String)
  type!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  schema?: Record<string, unknown> | null;

  @Field(() => Boolean, { nullable: true })
  strict?: boolean | null;
}

@InputType("CompletionInput")
export class CompletionInput {
  @Field(() => String, { nullable: true, description: "provider/model, a bare model name, route:NAME or auto; default: the default route (or the conversation's model)." })
  model?: string | null;

  @Field(() => [ChatMessageInput], { nullable: true })
  messages?: ChatMessageInput[] | null;

  @Field(() => ID, { nullable: true, description: "Carry the conversation's history and store both messages." })
  conversationId?: string | null;

  @Field(() => String, { nullable: true, description: "One more user message (after `messages`)." })
  content?: string | null;

  @Field(() => Int, { nullable: true })
  maxTokens?: number | null;

  @Field(() => Float, { nullable: true })
  temperature?: number | null;

  @Field(() => [ToolInput], { nullable: true })
  tools?: ToolInput[] | null;

  @Field(() => ResponseFormatInput, { nullable: true })
  responseFormat?: ResponseFormatInput | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: "String labels stored with the request." })
  metadata?: Record<string, unknown> | null;
}

@InputType("SendMessageInput")
export class SendMessageInput {
  @Field(() => ID)
  conversationId!: string;

  @Field(() => String)
  content!: string;

  @Field(() => String, { nullable: true, description: "Overrides the conversation's model for this turn." })
  model?: string | null;
}

@InputType("CreateConversationInput")
export class CreateConversationInput {
  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true, description: "Default model or route:NAME of the conversation's turns." })
  model?: string | null;

  @Field(() => String, { nullable: true, description: "Sent first in every turn; never trimmed." })
  systemPrompt?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata?: Record<string, unknown> | null;
}

@InputType("CompletionRequestFilter")
export class CompletionRequestFilterInput {
  @Field(() => RequestStatus, { nullable: true })
  status?: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "INTERRUPTED" | null;

  @Field(() => String, { nullable: true, description: "provider/model that served the request." })
  model?: string | null;

  @Field(() => ID, { nullable: true })
  provider?: string | null;

  @Field(() => ID, { nullable: true })
  conversationId?: string | null;

  @Field(() => ID, { nullable: true, description: "ADMIN keys only; APP keys always see only their own requests." })
  apiKeyId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Inclusive." })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Exclusive." })
  to?: Date | null;
}
