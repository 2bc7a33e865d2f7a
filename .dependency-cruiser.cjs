/**
 * Import boundaries of ARCHITECTURE.md, checked by `npm run lint` and test/foundation/architecture.test.ts:
 *   server -> graphql | http -> services -> core <- providers;  services -> db -> core/model.
 * Tests (*.test.ts) are exempt: they may reach across layers to set things up.
 */
/** npm dependencies resolve to their files under node_modules, so the patterns match those paths. */
const npm = (names) => `(^|/)node_modules/(${names.join("|")})/`;
const FRAMEWORKS = npm(["express", "@apollo/[^/]+", "@as-integrations/[^/]+", "graphql-ws", "ws", "type-graphql", "graphql", "graphql-scalars", "@graphql-tools/[^/]+", "@graphql-yoga/[^/]+", "@escape\\.tech/graphql-armor"]);
const DATABASE_DRIVERS = npm(["drizzle-orm", "drizzle-kit", "pg", "@electric-sql/pglite"]);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "core imports nothing outside core: no GraphQL, Drizzle, HTTP framework or provider code.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/(?!core/)" },
    },
    {
      name: "core-no-frameworks",
      comment: "core stays free of frameworks, database drivers and HTTP clients.",
      severity: "error",
      from: { path: "^src/core/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"], path: `${FRAMEWORKS}|${DATABASE_DRIVERS}|${npm(["undici", "prom-client", "pino", "ioredis"])}` },
    },
    {
      name: "providers-only-core",
      comment: "providers implement core ports; they import core and nothing else of ours.",
      severity: "error",
      from: { path: "^src/providers/" },
      to: { path: "^src/(?!core/|providers/)" },
    },
    {
      name: "services-not-edges",
      comment: "services are used by graphql/http/server, never the other way round.",
      severity: "error",
      from: { path: "^src/services/" },
      to: { path: "^src/(graphql|http|server)/|^src/main\\.ts$" },
    },
    {
      name: "db-not-services",
      comment: "db depends on core/model only; services use db.",
      severity: "error",
      from: { path: "^src/db/" },
      to: { path: "^src/(services|graphql|http|server|providers|config)/|^src/main\\.ts$" },
    },
    {
      name: "config-is-a-leaf",
      comment: "config turns the environment into a typed object; it depends on core/model types at most.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/(?!config/|core/model/)" },
    },
    {
      name: "no-frameworks-below-edges",
      comment: "Nothing from the HTTP framework, Apollo, GraphQL or graphql-ws below graphql/, http/ and server/.",
      severity: "error",
      from: { path: "^src/(core|providers|services|db|config)/" },
      to: { dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"], path: FRAMEWORKS },
    },
    {
      name: "no-database-drivers-above-db",
      comment:
        "The API edges reach the database through services, never through Drizzle or a driver directly. " +
        "Type-only imports of row types (what services return) are allowed; they vanish at run time.",
      severity: "error",
      from: { path: "^src/(graphql|http|core|providers)/" },
      to: { path: `${DATABASE_DRIVERS}|^src/db/`, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "edges-are-siblings",
      comment: "graphql and http are parallel edges; neither imports the other or the server.",
      severity: "error",
      from: { path: "^src/(graphql|http)/" },
      to: { path: "^src/server/|^src/main\\.ts$" },
    },
    {
      name: "graphql-http-apart",
      severity: "error",
      from: { path: "^src/graphql/" },
      to: { path: "^src/http/" },
    },
    {
      name: "http-graphql-apart",
      severity: "error",
      from: { path: "^src/http/" },
      to: { path: "^src/graphql/" },
    },
    {
      name: "nothing-imports-main",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^src/main\\.ts$" },
    },
    {
      name: "no-circular",
      comment: "Runtime import cycles make initialisation order fragile (type-only cycles are harmless).",
      severity: "warn",
      from: {},
      to: { circular: true, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "\\.test\\.ts$" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
