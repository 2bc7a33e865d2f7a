import "reflect-metadata";
import { DateTimeScalar } from "./scalars.js";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { ModelCapability as CoreModelCapability } from "../core/model/index.js";
import type { CircuitState as CoreCircuitState } from "../core/ports/index.js";
import { CircuitState, ModelCapability } from "./enums.js";

@ObjectType("PriceTier", { description: "Rates that apply when the prompt's input tokens exceed aboveInputTokens." })
export class PriceTier {
  @Field(() => Int)
  aboveInputTokens!: number;

  @Field(() => Float)
  inputPerMTok!: number;

  @Field(() => Float)
  outputPerMTok!: number;

  @Field(() => Float, { nullable: true })
  cachedInputPerMTok?: number | null;

  @Field(() => Float, { nullable: true })
  cacheWritePerMTok?: number | null;
}

@ObjectType("ModelPricing", { description: "USD per million tokens." })
export class ModelPricing {
  @Field(() => Float)
  inputPerMTok!: number;

  @Field(() => Float)
  outputPerMTok!: number;

  @Field(() => Float, { nullable: true, description: "Cache-read rate; null when the provider has no cache pricing." })
  cachedInputPerMTok!: number | null;

  @Field(() => Float, { nullable: true })
  cacheWritePerMTok!: number | null;

  @Field(() => [PriceTier], { description: "Higher tiers by prompt size; empty when the price is flat." })
  tiers!: PriceTier[];

  @Field(() => String, { description: "catalog@<version> or override." })
  source!: string;
}

@ObjectType("ModelHealth", { description: "Observations of one provider/model deployment." })
export class ModelHealth {
  @Field(() => CircuitState)
  circuitState!: CoreCircuitState;

  @Field(() => Float, { nullable: true })
  p50LatencyMs!: number | null;

  @Field(() => Float, { nullable: true })
  p50TimeToFirstTokenMs!: number | null;

  @Field(() => Float, { description: "Share of failed attempts, 0..1." })
  errorRate!: number;

  @Field(() => Int)
  samples!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "Set while the deployment waits out an upstream 429's Retry-After (skipped by routing until then; not a circuit failure)." })
  coolingDownUntil!: Date | null;
}

@ObjectType("Model", { description: "A model served by one provider, addressed as provider/model." })
@Directive('@key(fields: "id")')
export class Model {
  @Field(() => ID, { description: "provider/model, e.g. openai/gpt-4o-mini." })
  id!: string;

  @Field(() => ID)
  providerId!: string;

  @Field(() => String, { description: "The model name as the provider's API knows it." })
  name!: string;

  @Field(() => String, { nullable: true })
  displayName?: string | null;

  @Field(() => Int, { nullable: true, description: "Maximum input + output tokens; null when unknown." })
  contextWindow!: number | null;

  @Field(() => Int, { nullable: true })
  maxOutputTokens!: number | null;

  @Field(() => ModelPricing, { nullable: true, description: "null when the catalog has no price (see `priced`); never a price of 0." })
  pricing!: ModelPricing | null;

  @Field(() => [ModelCapability])
  capabilities!: CoreModelCapability[];

  @Field(() => Boolean)
  enabled!: boolean;
}
