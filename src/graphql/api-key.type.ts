import "reflect-metadata";
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { ApiKeyRole, BudgetPeriod } from "./enums.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType("Budget")
export class Budget {
  @Field(() => Float)
  limitUsd!: number;

  @Field(() => BudgetPeriod)
  period!: "DAY" | "MONTH" | "TOTAL";

  @Field(() => Float)
  spentUsd!: number;

  @Field(() => Float)
  reservedUsd!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "Start of the next period (UTC); null for TOTAL." })
  resetsAt!: Date | null;
}

@ObjectType("ApiKey", { description: "A gateway key. Its secret is returned once, by the mutation that creates it." })
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The first characters of the secret, for recognising a key." })
  prefix!: string;

  @Field(() => ApiKeyRole)
  role!: "ADMIN" | "APP";

  @Field(() => [String], { nullable: true, description: "Models and route:NAME entries the key may use; null = all." })
  allowedModels!: string[] | null;

  @Field(() => Budget, { nullable: true })
  budget!: Budget | null;

  @Field(() => Int, { nullable: true })
  requestsPerMinute!: number | null;

  @Field(() => Int, { nullable: true })
  tokensPerMinute!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  createdAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: Date | null;
}
