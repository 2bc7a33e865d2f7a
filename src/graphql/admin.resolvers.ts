import { AdminApiKeyResolver } from "./admin-api-key.resolver.js";
import { AdminCatalogResolver } from "./admin-catalog.resolver.js";
import { RouteResolver } from "./route.resolver.js";

/** Key, route, provider and model administration (SPEC §3 admin operations) plus the route queries. */
export const ADMIN_RESOLVERS = [AdminApiKeyResolver, RouteResolver, AdminCatalogResolver] as const;
