import { readFile } from "node:fs/promises";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import { renderSubgraphSdl, SCHEMA_PATH } from "../../scripts/emit-schema.js";

const FIXTURE = new URL("./fixtures/accounts.subgraph.graphql", import.meta.url);

describe("subgraph SDL artifact", () => {
  it("schema/schema.graphql is up to date (run `npm run schema:emit` after changing the GraphQL layer)", async () => {
    const committed = await readFile(SCHEMA_PATH, "utf8");
    expect(committed).toBe(await renderSubgraphSdl());
  });

  it("declares the fixed enums, the DateTime scalar and the five entities", async () => {
    const sdl = await readFile(SCHEMA_PATH, "utf8");
    for (const name of ["ProviderKind", "ModelCapability", "RoutingStrategy", "MessageRole", "RequestStatus", "ApiKeyRole", "BudgetPeriod", "UsageSource", "CircuitState", "HealthStatus"]) {
      expect(sdl).toMatch(new RegExp(`^enum ${name} \\{`, "m"));
    }
    expect(sdl).toMatch(/^scalar DateTime$/m);
    expect(sdl).toMatch(/^enum RequestStatus \{\s+RUNNING\s+SUCCEEDED\s+FAILED\s+ABORTED\s+INTERRUPTED\s+\}/m);
    for (const entity of ["Provider", "Model", "Conversation", "CompletionRequest", "Route"]) {
      expect(sdl).toMatch(new RegExp(`^type ${entity}\\s+@key\\(fields: "id"\\)`, "m"));
    }
  });

  it("composes with a second subgraph that extends Conversation", async () => {
    const switchyard = await readFile(SCHEMA_PATH, "utf8");
    const accounts = await readFile(FIXTURE, "utf8");
    const result = composeServices([
      { name: "switchyard", url: "http://switchyard.local/graphql", typeDefs: parse(switchyard) },
      { name: "accounts", url: "http://accounts.local/graphql", typeDefs: parse(accounts) },
    ]);
    expect(result.errors ?? []).toEqual([]);
    const supergraph = result.supergraphSdl ?? "";
    const conversation = /type Conversation[^{]*\{([^}]*)\}/.exec(supergraph)?.[1] ?? "";
    expect(conversation).toMatch(/\btitle: String/);
    expect(conversation).toMatch(/\bowner: User/);
    expect(supergraph).toMatch(/join__graph\(name: "switchyard"/);
    expect(supergraph).toMatch(/join__graph\(name: "accounts"/);
    expect(supergraph).toMatch(/models\(filter: ModelFilter\): \[Model!\]!/);
  });
});
