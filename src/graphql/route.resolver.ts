import "reflect-metadata";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import { UpsertRouteInput } from "./admin.inputs.js";
import { adminServices, toRoute } from "./admin.mapping.js";
import type { GraphQLContext } from "./context.js";
import { Route } from "./route.type.js";

@Resolver(() => Route)
export class RouteResolver {
  @Query(() => [Route], { description: "Every route: admin routes and the built-in default and auto routes." })
  routes(@Ctx() context: GraphQLContext): Route[] {
    return adminServices(context, { adminOnly: false }).routes.list().map(toRoute);
  }

  @Query(() => Route, { nullable: true, description: "A route by id (or by name)." })
  route(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Route | null {
    const route = adminServices(context, { adminOnly: false }).routes.get(id);
    return route ? toRoute(route) : null;
  }

  @Mutation(() => Route, { description: "Creates or replaces the route of that name; applies to the next request on every instance (admin only)." })
  async upsertRoute(@Arg("input", () => UpsertRouteInput) input: UpsertRouteInput, @Ctx() context: GraphQLContext): Promise<Route> {
    return toRoute(await adminServices(context).routes.upsert(input));
  }

  @Mutation(() => Route, { description: "Deletes a stored route and returns it; built-in routes cannot be deleted (admin only)." })
  async deleteRoute(@Arg("id", () => ID) id: string, @Ctx() context: GraphQLContext): Promise<Route> {
    return toRoute(await adminServices(context).routes.delete(id));
  }
}
