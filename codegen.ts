import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * `npm run codegen`: a typed client (GraphQL Code Generator client preset) from the committed
 * subgraph SDL and the operations in examples/documents. test/graphql/codegen.test.ts fails when
 * examples/generated is stale.
 */
export const CODEGEN_CONFIG: CodegenConfig = {
  schema: "schema/schema.graphql",
  documents: ["examples/documents/**/*.graphql"],
  ignoreNoDocuments: false,
  // ESM with NodeNext resolution: relative imports need the .js suffix.
  emitLegacyCommonJSImports: false,
  generates: {
    "examples/generated/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: { useTypeImports: true, enumsAsTypes: true, scalars: { DateTime: "string", JSONObject: "Record<string, unknown>" } },
    },
  },
};

export default CODEGEN_CONFIG;
