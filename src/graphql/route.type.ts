import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { ModelCapability as CoreModelCapability } from "../core/model/index.js";
import { ModelCapability, RoutingStrategy } from "./enums.js";
import { DateTimeScalar } from "./scalars.js";

@ObjectType("RouteTarget")
export class RouteTarget {
  @Field(() => String, { description: "provider/model (or a bare model name)." })
  model!: string;

  @Field(() => Float, { nullable: true, description: "WEIGHTED: relative share of traffic." })
  weight!: number | null;

  @Field(() => Int, { nullable: true, description: "FALLBACK: ascending order; ties keep list order." })
  priority!: number | null;
}

@ObjectType("RouteConstraints", { description: "Filters every candidate must pass." })
export class RouteConstraints {
  @Field(() => [ModelCapability], { nullable: true })
  requiredCapabilities!: CoreModelCapability[] | null;

  @Field(() => Float, { nullable: true })
  maxInputPricePerMTok!: number | null;

  @Field(() => Float, { nullable: true })
  maxOutputPricePerMTok!: number | null;

  @Field(() => Int, { nullable: true })
  minContextWindow!: number | null;
}

@ObjectType("Route", { description: "A named routing policy, addressed as route:NAME." })
@Directive('@key(fields: "id")')
export class Route {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => RoutingStrategy)
  strategy!: "FALLBACK" | "WEIGHTED" | "CHEAPEST" | "FASTEST" | "AUTO";

  @Field(() => [RouteTarget])
  targets!: RouteTarget[];

  @Field(() => RouteConstraints, { nullable: true })
  constraints!: RouteConstraints | null;

  @Field(() => Int)
  maxAttempts!: number;

  @Field(() => Int, { nullable: true, description: "Total timeout per attempt, ms." })
  timeoutMs!: number | null;

  @Field(() => Int, { nullable: true })
  firstTokenTimeoutMs!: number | null;

  @Field(() => Int, { description: "Longest Retry-After the route waits on its last candidate (default 2000)." })
  maxRetryAfterMs!: number;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}
