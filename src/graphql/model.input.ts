import "reflect-metadata";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import type { ModelCapability as CoreModelCapability } from "../core/model/index.js";
import { ModelCapability } from "./enums.js";

@InputType("ModelFilter")
export class ModelFilter {
  @Field(() => ID, { nullable: true })
  providerId?: string | null;

  @Field(() => ModelCapability, { nullable: true, description: "Only models that have this capability." })
  capability?: CoreModelCapability | null;

  @Field(() => Float, { nullable: true, description: "Only priced models whose input price (USD per million tokens) is at most this." })
  maxInputPricePerMTok?: number | null;

  @Field(() => Int, { nullable: true })
  minContextWindow?: number | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}
