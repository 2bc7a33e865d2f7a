import type { ApolloServerPlugin } from "@apollo/server";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import { costLimitRule } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import type { GraphQLError, ParseOptions, ValidationContext, ValidationRule } from "graphql";

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
  /** graphql-js's own token limit, applied while parsing (a parse error is a clean 400). */
  parseOptions: ParseOptions;
}

/**
 * Armor's rules throw by default; thrown validation errors become a 500 over graphql-ws. Reporting
 * them instead gives the ordinary GRAPHQL_VALIDATION_FAILED on both transports.
 */
const reportInstead = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

const RULE_OPTIONS = {
  maxDepth: { n: GRAPHQL_LIMITS.maxDepth, ...reportInstead },
  maxAliases: { n: GRAPHQL_LIMITS.maxAliases, ...reportInstead },
  costLimit: { maxCost: GRAPHQL_LIMITS.maxCost, ...reportInstead },
  maxDirectives: { n: GRAPHQL_LIMITS.maxDirectives, ...reportInstead },
};

/** For Apollo Server (HTTP): the validation rules, the parse token limit, and no field suggestions outside development. */
export function apolloHardening(options: { development: boolean }): GraphQLHardening {
  const armor = new ApolloArmor({
    ...RULE_OPTIONS,
    // Armor's token-limit plugin turns a plain syntax error into a 500; graphql-js's parse option does the same job cleanly.
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: !options.development },
  });
  const { plugins, validationRules } = armor.protect();
  // armor is typed against @apollo/server's CJS declarations, the app against its ESM ones: same runtime shape.
  return { plugins: plugins as unknown as ApolloServerPlugin[], validationRules, parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens } };
}

/** The same depth, alias, cost and directive limits as validation rules, for graphql-ws operations. */
export function hardeningValidationRules(): ValidationRule[] {
  return [
    maxDepthRule(RULE_OPTIONS.maxDepth),
    maxAliasesRule(RULE_OPTIONS.maxAliases),
    costLimitRule(RULE_OPTIONS.costLimit),
    maxDirectivesRule(RULE_OPTIONS.maxDirectives),
  ];
}
