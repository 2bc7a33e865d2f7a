/**
 * `npm run schema:emit`: writes the subgraph SDL artifact schema/schema.graphql.
 * Runs under tsx on purpose: tsx emits no decorator metadata, so a missing explicit type function
 * (STACK.md pitfall 7) fails here instead of only in production.
 */
import "reflect-metadata";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { printSubgraphSchema } from "@apollo/subgraph";
import { buildFederatedSchema } from "../src/graphql/schema.js";

export const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), "..", "schema", "schema.graphql");

export async function renderSubgraphSdl(): Promise<string> {
  return `${printSubgraphSchema(await buildFederatedSchema()).trimEnd()}\n`;
}

async function main(): Promise<void> {
  await mkdir(dirname(SCHEMA_PATH), { recursive: true });
  await writeFile(SCHEMA_PATH, await renderSubgraphSdl());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
