import type { RoutingStrategy } from "../../model/route.js";
import type { RoutingStrategyImplementation } from "../candidate.js";
import { autoStrategy } from "./auto.strategy.js";
import { cheapestStrategy } from "./cheapest.strategy.js";
import { fallbackStrategy } from "./fallback.strategy.js";
import { fastestStrategy } from "./fastest.strategy.js";
import { weightedStrategy } from "./weighted.strategy.js";

/** Choosing a strategy is a typed map lookup. */
export const STRATEGIES: Readonly<Record<RoutingStrategy, RoutingStrategyImplementation>> = {
  FALLBACK: fallbackStrategy,
  WEIGHTED: weightedStrategy,
  CHEAPEST: cheapestStrategy,
  FASTEST: fastestStrategy,
  AUTO: autoStrategy,
};

export { autoStrategy, classifyWorkload, isLongContextModel, type AutoWorkload } from "./auto.strategy.js";
export { cheapestStrategy, orderByExpectedCost } from "./cheapest.strategy.js";
export { fallbackStrategy } from "./fallback.strategy.js";
export { fastestStrategy, FASTEST_EXPLORATION_RATE } from "./fastest.strategy.js";
export { weightedStrategy } from "./weighted.strategy.js";
