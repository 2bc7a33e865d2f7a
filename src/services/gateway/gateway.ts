import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { AppConfig } from "../../config/config.js";
import type { CircuitStore, StatsStore } from "../../core/ports/stats-store.js";
import { createRouter, type Router } from "../../core/routing/router.js";
import { createSystemClock } from "../../core/routing/clock.js";
import { InMemoryCircuitStore } from "../../core/routing/in-memory-circuit.store.js";
import { InMemoryStatsStore } from "../../core/routing/in-memory-stats.store.js";
import type { Database } from "../../db/client.js";
import { modelOverrides, type ModelOverrideRow } from "../../db/schema/index.js";
import { ApiKeyService } from "../auth/api-key.service.js";
import { buildSeedCatalog } from "../catalog/catalog-seed.js";
import { CatalogService, type ModelOverride } from "../catalog/catalog.service.js";
import type { AdmissionControl } from "../completion/admission.js";
import type { CompletionMetrics } from "../completion/completion-metrics.js";
import { CompletionService } from "../completion/completion.service.js";
import { RequestLog } from "../completion/request-log.js";
import { InstanceHeartbeat } from "../instances/instance-heartbeat.js";
import { ProviderRegistry } from "../providers/provider-registry.js";
import { RouteRegistry } from "../routes/route-registry.js";
import { SecretBox, loadOrCreateSecretKey, parseSecretKey } from "../secrets/index.js";
import { rotateProviderCredentials } from "../providers/credential-rotation.js";
import { CatalogRouterView } from "./catalog-view.js";

export interface GatewayOptions {
  config: AppConfig;
  database: Database;
  logger: Logger;
  admission?: AdmissionControl;
  metrics?: CompletionMetrics;
  /** Tests: a fixed instance id. */
  instanceId?: string;
  /** Health stores (default: in-memory, per instance). */
  stats?: StatsStore;
  circuits?: CircuitStore;
}

export interface Gateway {
  config: AppConfig;
  database: Database;
  logger: Logger;
  instanceId: string;
  secrets: SecretBox;
  catalog: CatalogService;
  catalogView: CatalogRouterView;
  providers: ProviderRegistry;
  routes: RouteRegistry;
  router: Router;
  stats: StatsStore;
  circuits: CircuitStore;
  apiKeys: ApiKeyService;
  requestLog: RequestLog;
  completions: CompletionService;
  heartbeat: InstanceHeartbeat;
  /** Re-reads providers, model overrides and routes (after an admin change here or on another instance). */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the services layer: catalog, providers, routes, router, request log, completions. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config, database, logger } = options;
  const instanceId = options.instanceId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
  const secretKey = await loadOrCreateSecretKey({ secretKey: config.secretKey, dataDir: config.dataDir }, (message) => logger.warn(message));
  const secrets = new SecretBox(secretKey);
  if (config.previousSecretKeys.length > 0) {
    const previous = config.previousSecretKeys.map((key) => new SecretBox(parseSecretKey(key)));
    const rotation = await rotateProviderCredentials(database, secrets, previous);
    logger.info({ rotated: rotation.rotated, unreadable: rotation.unreadable }, "provider credentials checked against SWITCHYARD_SECRET_KEY_PREVIOUS");
  }
  const providers = new ProviderRegistry({
    database,
    secrets,
    envProviders: config.providers,
    localTokenDelayMs: config.localTokenDelayMs,
    warn: (message, error) => logger.warn({ err: error }, message),
  });
  await providers.reload();
  const catalog = new CatalogService({ seed: buildSeedCatalog(), providers: providers.catalogProviders() });
  const catalogView = new CatalogRouterView(catalog);
  const routes = new RouteRegistry(database, {
    realProviderIds: () => catalog.providers().filter((p) => p.enabled && p.kind !== "LOCAL").map((p) => p.id),
    defaultModelFor: (providerId) => catalog.defaultModelFor(providerId),
  });
  const stats = options.stats ?? new InMemoryStatsStore();
  const circuits = options.circuits ?? new InMemoryCircuitStore();
  const clock = createSystemClock();
  const router = createRouter({
    catalog: catalogView,
    routes,
    adapters: (providerId) => providers.adapter(providerId),
    circuits,
    stats,
    clock,
    random: Math.random,
    defaultOutputTokens: config.defaultReserveTokens,
  });
  const apiKeys = new ApiKeyService({ database });
  const requestLog = new RequestLog({
    database,
    onError: (error, rows) => logger.error({ err: error, rows }, "request log write failed; will retry"),
  });
  const completions = new CompletionService({ router, requestLog, instanceId, admission: options.admission, metrics: options.metrics });
  const heartbeat = new InstanceHeartbeat({
    database,
    instanceId,
    exclusive: database.driver === "pglite",
    onError: (error) => logger.warn({ err: error }, "instance heartbeat failed"),
  });

  const reload = async () => {
    await providers.reload();
    for (const provider of providers.catalogProviders()) catalog.setProvider(provider);
    for (const entry of providers.list()) if (entry.models.length > 0) catalog.addModels(entry.id, entry.models.map((m) => m.name));
    const overrides = await database.db.select().from(modelOverrides);
    for (const row of overrides) catalog.applyOverride(overrideFromRow(row));
    catalogView.invalidate();
    await routes.reload();
  };
  await reload();
  const interrupted = await heartbeat.start();
  if (interrupted > 0) logger.warn({ interrupted }, "requests left RUNNING by a stopped instance were marked INTERRUPTED");

  const close = async () => {
    await requestLog.close().catch((error: unknown) => logger.error({ err: error }, "request log flush failed"));
    await heartbeat.stop();
    await providers.close();
  };
  return {
    config, database, logger, instanceId, secrets, catalog, catalogView, providers, routes, router, stats, circuits,
    apiKeys, requestLog, completions, heartbeat, reload, close,
  };
}

export function overrideFromRow(row: ModelOverrideRow): ModelOverride {
  const price = (value: string | null) => (value === null ? null : Number(value));
  return {
    modelId: row.modelId,
    enabled: row.enabled,
    contextWindow: row.contextWindow,
    maxOutputTokens: row.maxOutputTokens,
    pricing: row.hasPricing
      ? {
          inputPerMTok: price(row.inputPerMTok) ?? 0,
          outputPerMTok: price(row.outputPerMTok) ?? 0,
          cachedInputPerMTok: price(row.cachedInputPerMTok),
          cacheWritePerMTok: price(row.cacheWritePerMTok),
        }
      : null,
  };
}
