import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import { connectionType } from "./connection.type.js";
import { AttemptStatus, RequestStatus, UsageSource } from "./enums.js";
import { DateTimeScalar } from "./scalars.js";

/** One step of a request's decision trail (SPEC §2). */
@ObjectType("CompletionAttempt")
export class CompletionAttempt {
  @Field(() => Int, { description: "0-based order of the attempt." })
  index!: number;

  @Field(() => ID)
  providerId!: string;

  @Field(() => ID, { description: "provider/model." })
  modelId!: string;

  @Field(() => AttemptStatus)
  status!: "SUCCEEDED" | "FAILED" | "ABORTED" | "SKIPPED";

  @Field(() => String, { nullable: true, description: "Why this candidate was tried or skipped." })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: "GatewayError kind: rate_limit, timeout, server, ..." })
  errorKind!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => Int, { nullable: true })
  httpStatus!: number | null;

  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @Field(() => Int, { nullable: true })
  timeToFirstTokenMs!: number | null;
}

/** A deployment the route considered for the request, eligible or excluded, and why. */
@ObjectType("RoutingCandidate")
export class RoutingCandidate {
  @Field(() => ID, { description: "provider/model." })
  modelId!: string;

  @Field(() => Boolean, { description: "false: excluded before any attempt (disabled, circuit open, cooling down, context too small, not allowed...)." })
  eligible!: boolean;

  @Field(() => String, { description: "Its place in the strategy's order, or why it was excluded." })
  reason!: string;
}

@ObjectType("CompletionRequest")
@Directive('@key(fields: "id")')
export class CompletionRequest {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { nullable: true })
  conversationId!: string | null;

  @Field(() => String, { description: "What the caller asked for: provider/model, a bare name, route:NAME or auto." })
  requestedModel!: string;

  @Field(() => String, { nullable: true, description: "provider/model that served the request." })
  servedModel!: string | null;

  @Field(() => ID, { nullable: true })
  providerId!: string | null;

  @Field(() => RequestStatus)
  status!: "RUNNING" | "SUCCEEDED" | "FAILED" | "ABORTED" | "INTERRUPTED";

  @Field(() => Int)
  inputTokens!: number;

  @Field(() => Int)
  outputTokens!: number;

  @Field(() => Int)
  cachedInputTokens!: number;

  @Field(() => Int)
  cacheWriteInputTokens!: number;

  @Field(() => Int)
  reasoningTokens!: number;

  @Field(() => UsageSource)
  usageSource!: "REPORTED" | "ESTIMATED";

  @Field(() => Float, { nullable: true, description: "USD; null when the served model is unpriced." })
  costUsd!: number | null;

  @Field(() => String, { nullable: true, description: "catalog@<version> or override." })
  priceSource!: string | null;

  @Field(() => Int, { nullable: true })
  latencyMs!: number | null;

  @Field(() => Int, { nullable: true })
  timeToFirstTokenMs!: number | null;

  @Field(() => [CompletionAttempt])
  attempts!: CompletionAttempt[];

  @Field(() => [String], { description: "Settings the serving provider could not honour." })
  warnings!: string[];

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;
}

export const CompletionRequestConnection = connectionType("CompletionRequest", CompletionRequest);
