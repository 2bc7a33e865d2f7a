import type { Gateway } from "../gateway/gateway.js";
import type { GatewayAdmission } from "../budgets/admission-control.js";
import { BudgetLedger } from "../budgets/budget-ledger.js";
import type { InvalidationBus } from "../invalidation/invalidation-bus.js";
import { ApiKeyAdminService } from "./api-key-admin.service.js";
import { createConfigChanges } from "./config-changes.js";
import { ModelAdminService } from "./model-admin.service.js";
import { ProviderAdminService } from "./provider-admin.service.js";
import { RouteAdminService } from "./route-admin.service.js";

export interface AdminServices {
  apiKeys: ApiKeyAdminService;
  routes: RouteAdminService;
  providers: ProviderAdminService;
  models: ModelAdminService;
}

/**
 * The admin use cases over one gateway. `reloadNow` is the gateway sync's (so a change made here is
 * visible to this instance's next request when the mutation returns); `bus` carries it to the others.
 */
export function createAdminServices(options: {
  gateway: Gateway;
  bus: InvalidationBus;
  reloadNow: () => Promise<void>;
  admission?: GatewayAdmission;
}): AdminServices {
  const { gateway } = options;
  const changes = createConfigChanges({ reloadNow: options.reloadNow, bus: options.bus });
  const database = gateway.database;
  return {
    apiKeys: new ApiKeyAdminService({
      database,
      apiKeys: gateway.apiKeys,
      budgets: options.admission?.budgets ?? new BudgetLedger({ database }),
    }),
    routes: new RouteAdminService({ database, catalog: gateway.catalog, routes: gateway.routes, changes }),
    providers: new ProviderAdminService({ database, secrets: gateway.secrets, providers: gateway.providers, catalog: gateway.catalog, changes }),
    models: new ModelAdminService({ database, catalog: gateway.catalog, changes }),
  };
}
