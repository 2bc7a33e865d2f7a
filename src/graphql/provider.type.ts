import "reflect-metadata";
import { Directive, Field, Float, ID, Int, ObjectType } from "type-graphql";
import type { ProviderKind as CoreProviderKind } from "../core/model/index.js";
import type { CircuitState as CoreCircuitState } from "../core/ports/index.js";
import { CircuitState, HealthStatus, ProviderKind } from "./enums.js";

/** Health summarized over the provider's deployments that have seen traffic (SPEC §8). */
@ObjectType("ProviderHealth")
export class ProviderHealth {
  @Field(() => HealthStatus, { description: "HEALTHY (all closed), DEGRADED (some open) or DOWN (all open)." })
  status!: "HEALTHY" | "DEGRADED" | "DOWN";

  @Field(() => CircuitState, { description: "The worst circuit state among the provider's deployments." })
  circuitState!: CoreCircuitState;

  @Field(() => Float, { nullable: true, description: "Median latency in ms over observed deployments; null before any traffic." })
  p50LatencyMs!: number | null;

  @Field(() => Float, { nullable: true })
  p50TimeToFirstTokenMs!: number | null;

  @Field(() => Float, { description: "Share of failed attempts, 0..1." })
  errorRate!: number;

  @Field(() => Int, { description: "Deployments with observations." })
  observedDeployments!: number;

  @Field(() => Int, { description: "Deployments whose circuit is open." })
  openCircuits!: number;
}

@ObjectType("Provider", { description: "An upstream LLM provider." })
@Directive('@key(fields: "id")')
export class Provider {
  @Field(() => ID, { description: "openai, anthropic, google, deepseek, mistral, ollama, local, or an admin-defined id." })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => ProviderKind)
  kind!: CoreProviderKind;

  @Field(() => String, { nullable: true, description: "The base URL override, exactly as the provider's SDK takes it." })
  baseUrl!: string | null;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => Boolean, { description: "Whether a credential is configured. The credential itself is never returned." })
  hasCredentials!: boolean;
}
