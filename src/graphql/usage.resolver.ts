import "reflect-metadata";
import { Arg, Ctx, Query, Resolver } from "type-graphql";
import { usdToNumber } from "../core/pricing/money.js";
import type { UsageBucket as ServiceBucket } from "../services/usage/usage.service.js";
import { chatServices } from "./chat.mapping.js";
import { requestFilterOf } from "./completion-request.resolver.js";
import { CompletionRequestFilterInput } from "./completion.input.js";
import type { GraphQLContext } from "./context.js";
import { UsageGroupBy } from "./enums.js";
import { UsageBucket, UsageReport } from "./usage.type.js";

function bucketOf(bucket: ServiceBucket): UsageBucket {
  return { ...bucket, costUsd: usdToNumber(bucket.costUsd), costUsdDecimal: bucket.costUsd };
}

@Resolver()
export class UsageResolver {
  @Query(() => UsageReport, { description: "Requests, tokens and cost grouped by day (default), model, provider or key. APP keys see their own usage." })
  async usage(
    @Arg("filter", () => CompletionRequestFilterInput, { nullable: true }) filter: CompletionRequestFilterInput | null,
    @Arg("groupBy", () => UsageGroupBy, { nullable: true }) groupBy: UsageGroupBy | null,
    @Ctx() context: GraphQLContext,
  ): Promise<UsageReport> {
    const report = await chatServices(context).usage.report(context.principal, requestFilterOf(filter), groupBy ?? UsageGroupBy.DAY);
    return { groupBy: report.groupBy, buckets: report.buckets.map(bucketOf), total: bucketOf(report.total) };
  }
}
