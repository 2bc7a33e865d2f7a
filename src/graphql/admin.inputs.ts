import "reflect-metadata";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import type { ModelCapability as CoreModelCapability, ProviderKind as CoreProviderKind } from "../core/model/index.js";
import { ApiKeyRole, BudgetPeriod, ModelCapability, ProviderKind, RoutingStrategy } from "./enums.js";

@InputType("CreateApiKeyInput")
export class CreateApiKeyInput {
  @Field(() => String)
  name!: string;

  @Field(() => ApiKeyRole, { defaultValue: ApiKeyRole.APP })
  role!: "ADMIN" | "APP";

  @Field(() => [String], { nullable: true, description: "provider/model, bare model names and route:NAME entries; null or empty = all." })
  allowedModels?: string[] | null;

  @Field(() => Float, { nullable: true, description: "Budget in USD per budgetPeriod; null = no budget." })
  budgetUsd?: number | null;

  @Field(() => BudgetPeriod, { nullable: true })
  budgetPeriod?: "DAY" | "MONTH" | "TOTAL" | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute?: number | null;

  @Field(() => Int, { nullable: true, description: "Input + output tokens per minute." })
  tokensPerMinute?: number | null;
}

@InputType("BudgetInput")
export class BudgetInput {
  @Field(() => Float)
  limitUsd!: number;

  @Field(() => BudgetPeriod)
  period!: "DAY" | "MONTH" | "TOTAL";
}

@InputType("RouteTargetInput")
export class RouteTargetInput {
  @Field(() => String, { description: "provider/model or a bare model name (route:NAME targets are not allowed)." })
  model!: string;

  @Field(() => Float, { nullable: true, description: "WEIGHTED share (> 0, default 1)." })
  weight?: number | null;

  @Field(() => Int, { nullable: true, description: "FALLBACK order (ascending, default: list position)." })
  priority?: number | null;
}

@InputType("RouteConstraintsInput")
export class RouteConstraintsInput {
  @Field(() => [ModelCapability], { nullable: true })
  requiredCapabilities?: CoreModelCapability[] | null;

  @Field(() => Float, { nullable: true })
  maxInputPricePerMTok?: number | null;

  @Field(() => Int, { nullable: true })
  minContextWindow?: number | null;

  @Field(() => [String], { nullable: true, description: "Only deployments of these provider ids." })
  providers?: string[] | null;
}

@InputType("UpsertRouteInput")
export class UpsertRouteInput {
  @Field(() => String, { description: "The route's name (unique): an existing route of that name is replaced." })
  name!: string;

  @Field(() => RoutingStrategy)
  strategy!: "FALLBACK" | "WEIGHTED" | "CHEAPEST" | "FASTEST" | "AUTO";

  @Field(() => [RouteTargetInput], { nullable: true })
  targets?: RouteTargetInput[] | null;

  @Field(() => RouteConstraintsInput, { nullable: true })
  constraints?: RouteConstraintsInput | null;

  @Field(() => Int, { nullable: true })
  maxAttempts?: number | null;

  @Field(() => Int, { nullable: true })
  timeoutMs?: number | null;

  @Field(() => Int, { nullable: true })
  firstTokenTimeoutMs?: number | null;

  @Field(() => Int, { nullable: true, description: "Default 2000." })
  maxRetryAfterMs?: number | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@InputType("UpsertProviderInput")
export class UpsertProviderInput {
  @Field(() => ID)
  id!: string;

  @Field(() => ProviderKind)
  kind!: CoreProviderKind;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  baseUrl?: string | null;

  @Field(() => String, { nullable: true, description: "Write-only: stored encrypted, never returned. Omit to keep the stored key; null removes it." })
  apiKey?: string | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;

  @Field(() => [String], { nullable: true, description: "OPENAI_COMPATIBLE: model names; omitted = discovered from GET {baseUrl}/models." })
  models?: string[] | null;
}

@InputType("ModelPricingInput")
export class ModelPricingInput {
  @Field(() => Float)
  inputPerMTok!: number;

  @Field(() => Float)
  outputPerMTok!: number;

  @Field(() => Float, { nullable: true })
  cachedInputPerMTok?: number | null;

  @Field(() => Float, { nullable: true })
  cacheWritePerMTok?: number | null;
}
