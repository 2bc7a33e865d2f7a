import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers } from "../../src/db/schema/index.js";
import { rotateProviderCredentials } from "../../src/services/providers/credential-rotation.js";
import { SecretBox } from "../../src/services/secrets/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("provider credential rotation (SWITCHYARD_SECRET_KEY_PREVIOUS)", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("re-encrypts credentials under the new key, leaves current ones alone and reports unreadable ones", async () => {
    const oldBox = new SecretBox(randomBytes(32));
    const newBox = new SecretBox(randomBytes(32));
    const strangerBox = new SecretBox(randomBytes(32));
    await database.db.insert(providers).values([
      { id: "old", kind: "OPENAI_COMPATIBLE", name: "old", baseUrl: "http://127.0.0.1:1/v1", apiKeyCiphertext: oldBox.encrypt("sk-old") },
      { id: "current", kind: "OPENAI_COMPATIBLE", name: "current", baseUrl: "http://127.0.0.1:1/v1", apiKeyCiphertext: newBox.encrypt("sk-current") },
      { id: "stranger", kind: "OPENAI_COMPATIBLE", name: "stranger", baseUrl: "http://127.0.0.1:1/v1", apiKeyCiphertext: strangerBox.encrypt("sk-x") },
      { id: "keyless", kind: "OPENAI_COMPATIBLE", name: "keyless", baseUrl: "http://127.0.0.1:1/v1" },
    ]);

    const result = await rotateProviderCredentials(database, newBox, [oldBox]);
    expect(result.rotated).toEqual(["old"]);
    expect(result.unreadable).toEqual(["stranger"]);

    const rows = new Map((await database.db.select().from(providers)).map((row) => [row.id, row.apiKeyCiphertext]));
    expect(newBox.decrypt(rows.get("old")!)).toBe("sk-old");
    expect(() => oldBox.decrypt(rows.get("old")!)).toThrow();
    expect(newBox.decrypt(rows.get("current")!)).toBe("sk-current");
    expect(rows.get("keyless")).toBeNull();

    // A second start with the same keys has nothing left to do.
    const again = await rotateProviderCredentials(database, newBox, [oldBox]);
    expect(again.rotated).toEqual([]);
  });
});
