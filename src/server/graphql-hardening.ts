import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type { ValidationRule } from "graphql";

/**
 * Query limits (SPEC §4 "GraphQL hardening"), from @escape.tech/graphql-armor. Sized for this
 * schema: the deepest legitimate query (conversation → messages → edges → node → request →
 * attempts → …) is about 8 levels, so 15 leaves room for fragments in generated clients while a
 * 50-level query is refused at validation, before any resolver runs. Introspection is exempt from
 * depth and cost (codegen's introspection query is deep by nature; it is switched off with
 * SWITCHYARD_INTROSPECTION=off instead).
 */
export const GRAPHQL_LIMITS = {
  maxDepth: 15,
  maxAliases: 30,
  maxCost: 20_000,
  maxDirectives: 50,
  maxTokens: 10_000,
} as const;

export interface GraphQLHardening {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
}

/** For Apollo Server (HTTP): armor's plugins (token limit, no field suggestions outside development) and rules. */
export function apolloHardening(options: { development: boolean }): GraphQLHardening {
  const armor = new ApolloArmor({
    maxDepth: { n: GRAPHQL_LIMITS.maxDepth },
    maxAliases: { n: GRAPHQL_LIMITS.maxAliases },
    costLimit: { maxCost: GRAPHQL_LIMITS.maxCost },
    maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives },
    maxTokens: { n: GRAPHQL_LIMITS.maxTokens },
    blockFieldSuggestion: { enabled: !options.development },
  });
  const { plugins, validationRules } = armor.protect();
  // armor is typed against @apollo/server's CJS declarations, the app against its ESM ones: same runtime shape.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules };
}

/** The same depth, alias, cost and directive limits as validation rules, for graphql-ws operations. */
export function hardeningValidationRules(): ValidationRule[] {
  return [
    maxDepthRule({ n: GRAPHQL_LIMITS.maxDepth }),
    maxAliasesRule({ n: GRAPHQL_LIMITS.maxAliases }),
    costLimitRule({ maxCost: GRAPHQL_LIMITS.maxCost }),
    maxDirectivesRule({ n: GRAPHQL_LIMITS.maxDirectives }),
  ];
}
