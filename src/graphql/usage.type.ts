import "reflect-metadata";
import { Field, Float, Int, ObjectType } from "type-graphql";
import { UsageGroupBy } from "./enums.js";

@ObjectType("UsageBucket", { description: "Requests, tokens and cost of one group (summed in the database, cost as exact numeric)." })
export class UsageBucket {
  @Field(() => String, { description: "DAY: YYYY-MM-DD (UTC); MODEL: provider/model; PROVIDER: provider id; API_KEY: key id; TOTAL for the total." })
  key!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  succeeded!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  inputTokens!: number;

  @Field(() => Int)
  outputTokens!: number;

  @Field(() => Int)
  cachedInputTokens!: number;

  @Field(() => Int)
  reasoningTokens!: number;

  @Field(() => Float, { description: "USD." })
  costUsd!: number;

  @Field(() => String, { description: "USD as an exact decimal string." })
  costUsdDecimal!: string;

  @Field(() => Int, { description: "Requests that used an unpriced model (not included in the cost)." })
  unpricedRequests!: number;
}

@ObjectType("UsageReport")
export class UsageReport {
  @Field(() => UsageGroupBy)
  groupBy!: "DAY" | "MODEL" | "PROVIDER" | "API_KEY";

  @Field(() => [UsageBucket], { description: "Ordered by key." })
  buckets!: UsageBucket[];

  @Field(() => UsageBucket)
  total!: UsageBucket;
}
