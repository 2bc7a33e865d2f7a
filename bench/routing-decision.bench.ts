/**
 * Time of one routing decision (router.plan) over 50 candidates, per strategy. Plain tsx script:
 *   npx tsx bench/routing-decision.bench.ts
 */
import type { CatalogModel, ChatRequest, RouteDefinition, RoutingStrategy } from "../src/core/model/index.js";
import type { LanguageModel, ProviderAdapter } from "../src/core/ports/index.js";
import { InMemoryCircuitStore, InMemoryStatsStore, createRouter, createSeededRandom, createSystemClock } from "../src/core/routing/index.js";

const models: CatalogModel[] = Array.from({ length: 50 }, (_, index) => ({
  id: `provider${index % 5}/model-${index}`,
  providerId: `provider${index % 5}`,
  name: `model-${index}`,
  contextWindow: 128_000 + index * 1000,
  maxOutputTokens: 16_000,
  pricing: { inputPerMTok: 0.1 + (index % 7), outputPerMTok: 0.4 + (index % 11), cachedInputPerMTok: null, cacheWritePerMTok: null, source: "catalog@bench" },
  capabilities: index % 3 === 0 ? ["STREAMING", "TOOLS", "REASONING"] : ["STREAMING", "TOOLS", "VISION", "JSON_OUTPUT"],
  enabled: true,
}));
const byId = new Map(models.map((model) => [model.id, model]));
const stats = new InMemoryStatsStore();
for (const model of models) stats.record(model.id, { ok: true, latencyMs: 100 + (model.name.length % 13), timeToFirstTokenMs: 20 });

function route(strategy: RoutingStrategy): RouteDefinition {
  return {
    id: strategy, name: strategy.toLowerCase(), strategy,
    targets: models.map((model, index) => ({ model: model.id, weight: 1 + (index % 4), priority: index % 10 })),
    constraints: {}, maxAttempts: 3, timeoutMs: 60_000, firstTokenTimeoutMs: 10_000, maxRetryAfterMs: 2_000, enabled: true, updatedAt: new Date(),
  };
}
const strategies: RoutingStrategy[] = ["FALLBACK", "WEIGHTED", "CHEAPEST", "FASTEST", "AUTO"];
const routes = new Map(strategies.map((strategy) => [strategy.toLowerCase(), route(strategy)]));
const adapter: ProviderAdapter = { id: "any", languageModel: (): LanguageModel => { throw new Error("not called"); } };
const router = createRouter({
  catalog: { model: (id) => byId.get(id), modelsByName: (name) => models.filter((model) => model.name === name), models: () => models },
  routes: { route: (name) => routes.get(name) },
  adapters: () => adapter,
  circuits: new InMemoryCircuitStore(),
  stats,
  clock: createSystemClock(),
  random: createSeededRandom(1),
});
const request: ChatRequest = {
  messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "Summarise the plot of Hamlet in two sentences." }],
  maxOutputTokens: 256,
};
const allow = (): boolean => true;

const ITERATIONS = 200_000;
for (const strategy of strategies) {
  const target = `route:${strategy.toLowerCase()}`;
  for (let index = 0; index < 20_000; index++) router.plan(request, { target, allow });
  const started = process.hrtime.bigint();
  for (let index = 0; index < ITERATIONS; index++) router.plan(request, { target, allow });
  const micros = Number(process.hrtime.bigint() - started) / 1e3 / ITERATIONS;
  console.log(`${strategy.padEnd(8)} plan over 50 candidates: ${micros.toFixed(2)} µs/decision`);
}
