import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("has the documented defaults", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 4000,
      databaseUrl: null,
      dataDir: "./data",
      adminKey: null,
      secretKey: null,
      redisUrl: null,
      metricsToken: null,
      development: false,
      localProvider: true,
      localTokenDelayMs: 15,
      defaultReserveTokens: 1024,
      logLevel: "info",
      introspection: true,
      bodyLimitBytes: 4 * 1024 * 1024,
      shutdownTimeoutMs: 10_000,
    });
    const enabled = config.providers.filter((provider) => provider.enabled).map((provider) => provider.id);
    expect(enabled).toEqual(["local"]);
  });

  it("reads every variable", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PORT: "0",
      DATABASE_URL: "postgresql://user:pw@db.internal:5432/app",
      SWITCHYARD_DATA_DIR: "/var/lib/sy",
      SWITCHYARD_ADMIN_KEY: "admin-secret",
      SWITCHYARD_SECRET_KEY: "k",
      REDIS_URL: "redis://127.0.0.1:6379",
      SWITCHYARD_METRICS_TOKEN: "m",
      NODE_ENV: "development",
      SWITCHYARD_LOCAL_PROVIDER: "off",
      SWITCHYARD_LOCAL_TOKEN_DELAY_MS: "0",
      SWITCHYARD_DEFAULT_RESERVE_TOKENS: "256",
      LOG_LEVEL: "debug",
      SWITCHYARD_INTROSPECTION: "off",
      SWITCHYARD_BODY_LIMIT: "2048",
      SWITCHYARD_SHUTDOWN_TIMEOUT_MS: "500",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 0,
      databaseUrl: "postgresql://user:pw@db.internal:5432/app",
      dataDir: "/var/lib/sy",
      adminKey: "admin-secret",
      secretKey: "k",
      redisUrl: "redis://127.0.0.1:6379",
      metricsToken: "m",
      development: true,
      localProvider: false,
      localTokenDelayMs: 0,
      defaultReserveTokens: 256,
      logLevel: "debug",
      introspection: false,
      bodyLimitBytes: 2048,
      shutdownTimeoutMs: 500,
    });
    expect(config.providers.find((provider) => provider.id === "local")?.enabled).toBe(false);
  });

  it("treats only NODE_ENV=development as development", () => {
    expect(loadConfig({ NODE_ENV: "test" }).development).toBe(false);
    expect(loadConfig({ NODE_ENV: "production" }).development).toBe(false);
  });

  it("enables providers by key (or base URL for ollama) with official default base URLs", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "sk-o",
      ANTHROPIC_API_KEY: "sk-a",
      GOOGLE_GENERATIVE_AI_API_KEY: "g",
      DEEPSEEK_API_KEY: "d",
      MISTRAL_API_KEY: "m",
    });
    const byId = new Map(config.providers.map((provider) => [provider.id, provider]));
    expect(byId.get("openai")).toEqual({ id: "openai", kind: "OPENAI", apiKey: "sk-o", baseUrl: "https://api.openai.com/v1", enabled: true });
    expect(byId.get("anthropic")).toMatchObject({ kind: "ANTHROPIC", baseUrl: "https://api.anthropic.com", enabled: true });
    expect(byId.get("google")).toMatchObject({ kind: "GEMINI", apiKey: "g", baseUrl: "https://generativelanguage.googleapis.com", enabled: true });
    expect(byId.get("deepseek")).toMatchObject({ baseUrl: "https://api.deepseek.com", enabled: true });
    expect(byId.get("mistral")).toMatchObject({ baseUrl: "https://api.mistral.ai/v1", enabled: true });
    expect(byId.get("ollama")).toMatchObject({ baseUrl: null, enabled: false });
  });

  it("applies base URL overrides, GEMINI_* before GOOGLE_*", () => {
    const config = loadConfig({
      OPENAI_BASE_URL: "http://127.0.0.1:9000/v1/",
      GEMINI_API_KEY: "gem",
      GOOGLE_GENERATIVE_AI_API_KEY: "other",
      GOOGLE_GEMINI_BASE_URL: "http://127.0.0.1:9001",
      OLLAMA_BASE_URL: "http://127.0.0.1:11434",
    });
    const byId = new Map(config.providers.map((provider) => [provider.id, provider]));
    // A base URL without a key does not enable a keyed provider.
    expect(byId.get("openai")).toMatchObject({ baseUrl: "http://127.0.0.1:9000/v1", enabled: false });
    expect(byId.get("google")).toMatchObject({ apiKey: "gem", baseUrl: "http://127.0.0.1:9001", enabled: true });
    expect(byId.get("ollama")).toMatchObject({ kind: "OPENAI_COMPATIBLE", baseUrl: "http://127.0.0.1:11434", enabled: true });
  });

  it("treats empty values as unset", () => {
    const config = loadConfig({ PORT: "", DATABASE_URL: "", OPENAI_API_KEY: " " });
    expect(config.port).toBe(4000);
    expect(config.databaseUrl).toBeNull();
    expect(config.providers.find((provider) => provider.id === "openai")?.enabled).toBe(false);
  });

  it.each([
    [{ PORT: "abc" }, /^PORT: expected an integer 0-65535, got "abc"$/],
    [{ PORT: "70000" }, /^PORT: /],
    [{ PORT: "4000.5" }, /^PORT: /],
    [{ DATABASE_URL: "mysql://localhost/db" }, /^DATABASE_URL: expected a postgres/],
    [{ DATABASE_URL: "not a url" }, /^DATABASE_URL: /],
    [{ SWITCHYARD_LOCAL_PROVIDER: "maybe" }, /^SWITCHYARD_LOCAL_PROVIDER: expected on or off, got "maybe"$/],
    [{ LOG_LEVEL: "loud" }, /^LOG_LEVEL: expected one of/],
    [{ REDIS_URL: "http://x" }, /^REDIS_URL: /],
    [{ OPENAI_BASE_URL: "ftp://x" }, /^OPENAI_BASE_URL: /],
    [{ SWITCHYARD_BODY_LIMIT: "-1" }, /^SWITCHYARD_BODY_LIMIT: /],
  ])("rejects %o with a one-line error naming the variable", (env, pattern) => {
    const error = configError(env);
    expect(error.message).toMatch(pattern);
    expect(error.message).not.toContain("\n");
    expect(error.variable).toBe(Object.keys(env)[0]);
  });

  it("does not echo a password from a malformed DATABASE_URL", () => {
    const error = configError({ DATABASE_URL: "mysql://user:hunter2@host/db" });
    expect(error.message).not.toContain("hunter2");
  });
});
