import { z } from "zod";
import { ConfigError } from "./config-error.js";
import {
  normalizeBaseUrl,
  PROVIDER_ENV_SPECS,
  type ProviderEnvConfig,
} from "./providers.config.js";

export { ConfigError } from "./config-error.js";
export type { EnvProviderId, ProviderEnvConfig } from "./providers.config.js";
export { PROVIDER_ENV_SPECS } from "./providers.config.js";

export interface AppConfig {
  host: string;
  port: number;
  databaseUrl: string | null;
  dataDir: string;
  adminKey: string | null;
  secretKey: string | null;
  /** SWITCHYARD_SECRET_KEY_PREVIOUS: former keys (comma-separated), for rotation: credentials are re-encrypted on start. */
  previousSecretKeys: string[];
  redisUrl: string | null;
  metricsToken: string | null;
  development: boolean;
  localProvider: boolean;
  localTokenDelayMs: number;
  defaultReserveTokens: number;
  logLevel: string;
  introspection: boolean;
  bodyLimitBytes: number;
  shutdownTimeoutMs: number;
  /** SWITCHYARD_SSE_KEEPALIVE_MS: keep-alive comment / ping period on REST streams while the first token is awaited. */
  sseKeepAliveMs: number;
  providers: ProviderEnvConfig[];
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Empty strings count as unset: `FOO= npm start` should behave like no FOO. */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? null : value.trim()));

const integer = (fallback: number, min: number, max: number) =>
  optionalString.pipe(
    z
      .string()
      .nullable()
      .transform((value, context) => {
        if (value === null) return fallback;
        const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
        if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
          context.addIssue({ code: "custom", message: `expected an integer ${min}-${max}, got ${JSON.stringify(value)}` });
          return z.NEVER;
        }
        return parsed;
      }),
  );

const onOff = (fallback: boolean) =>
  optionalString.pipe(
    z
      .string()
      .nullable()
      .transform((value, context) => {
        if (value === null) return fallback;
        const normalized = value.toLowerCase();
        if (["on", "true", "1", "yes"].includes(normalized)) return true;
        if (["off", "false", "0", "no"].includes(normalized)) return false;
        context.addIssue({ code: "custom", message: `expected on or off, got ${JSON.stringify(value)}` });
        return z.NEVER;
      }),
  );

const url = (protocols: string[], description: string) =>
  optionalString.pipe(
    z
      .string()
      .nullable()
      .transform((value, context) => {
        if (value === null) return null;
        if (!isUrlWithProtocol(value, protocols)) {
          context.addIssue({ code: "custom", message: `expected ${description}, got ${JSON.stringify(redactUrl(value))}` });
          return z.NEVER;
        }
        return value;
      }),
  );

const httpUrl = url(["http:", "https:"], "an http(s) URL");

const envSchema = z.object({
  HOST: optionalString.transform((value) => value ?? "127.0.0.1"),
  PORT: integer(4000, 0, 65535),
  DATABASE_URL: url(["postgres:", "postgresql:"], "a postgres:// or postgresql:// URL with a host"),
  SWITCHYARD_DATA_DIR: optionalString.transform((value) => value ?? "./data"),
  SWITCHYARD_ADMIN_KEY: optionalString,
  SWITCHYARD_SECRET_KEY: optionalString,
  SWITCHYARD_SECRET_KEY_PREVIOUS: optionalString,
  REDIS_URL: url(["redis:", "rediss:"], "a redis:// or rediss:// URL"),
  SWITCHYARD_METRICS_TOKEN: optionalString,
  NODE_ENV: optionalString,
  SWITCHYARD_LOCAL_PROVIDER: onOff(true),
  SWITCHYARD_LOCAL_TOKEN_DELAY_MS: integer(15, 0, 60_000),
  SWITCHYARD_DEFAULT_RESERVE_TOKENS: integer(1024, 1, 10_000_000),
  LOG_LEVEL: optionalString.pipe(
    z
      .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(", ")}` })
      .nullable()
      .transform((value) => value ?? "info"),
  ),
  SWITCHYARD_INTROSPECTION: onOff(true),
  SWITCHYARD_BODY_LIMIT: integer(4 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  SWITCHYARD_SHUTDOWN_TIMEOUT_MS: integer(10_000, 0, 600_000),
  SWITCHYARD_SSE_KEEPALIVE_MS: integer(5_000, 10, 600_000),
  OPENAI_BASE_URL: httpUrl,
  ANTHROPIC_BASE_URL: httpUrl,
  GEMINI_BASE_URL: httpUrl,
  GOOGLE_GEMINI_BASE_URL: httpUrl,
  DEEPSEEK_BASE_URL: httpUrl,
  MISTRAL_BASE_URL: httpUrl,
  OLLAMA_BASE_URL: httpUrl,
});

/** Environment → one validated AppConfig. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    throw new ConfigError(`${variable}: ${issue.message}`, variable);
  }
  const parsed = result.data;
  return {
    host: parsed.HOST,
    port: parsed.PORT,
    databaseUrl: parsed.DATABASE_URL,
    dataDir: parsed.SWITCHYARD_DATA_DIR,
    adminKey: parsed.SWITCHYARD_ADMIN_KEY,
    secretKey: parsed.SWITCHYARD_SECRET_KEY,
    previousSecretKeys: (parsed.SWITCHYARD_SECRET_KEY_PREVIOUS ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter((key) => key !== ""),
    redisUrl: parsed.REDIS_URL,
    metricsToken: parsed.SWITCHYARD_METRICS_TOKEN,
    development: parsed.NODE_ENV === "development",
    localProvider: parsed.SWITCHYARD_LOCAL_PROVIDER,
    localTokenDelayMs: parsed.SWITCHYARD_LOCAL_TOKEN_DELAY_MS,
    defaultReserveTokens: parsed.SWITCHYARD_DEFAULT_RESERVE_TOKENS,
    logLevel: parsed.LOG_LEVEL,
    introspection: parsed.SWITCHYARD_INTROSPECTION,
    bodyLimitBytes: parsed.SWITCHYARD_BODY_LIMIT,
    shutdownTimeoutMs: parsed.SWITCHYARD_SHUTDOWN_TIMEOUT_MS,
    sseKeepAliveMs: parsed.SWITCHYARD_SSE_KEEPALIVE_MS,
    providers: providersFromEnv(env, parsed.SWITCHYARD_LOCAL_PROVIDER),
  };
}

function providersFromEnv(env: NodeJS.ProcessEnv, localEnabled: boolean): ProviderEnvConfig[] {
  const firstSet = (names: string[]): string | null => {
    for (const name of names) {
      const value = env[name]?.trim();
      if (value) return value;
    }
    return null;
  };
  const configured: ProviderEnvConfig[] = PROVIDER_ENV_SPECS.map((spec) => {
    const apiKey = firstSet(spec.keyVariables);
    const baseUrlOverride = firstSet(spec.baseUrlVariables);
    const baseUrl = baseUrlOverride ?? spec.defaultBaseUrl;
    // Keyless providers (ollama) are enabled by their base URL, the others by their key.
    const enabled = spec.keyVariables.length === 0 ? baseUrlOverride !== null : apiKey !== null;
    return { id: spec.id, kind: spec.kind, apiKey, baseUrl: baseUrl ? normalizeBaseUrl(baseUrl) : null, enabled };
  });
  configured.push({ id: "local", kind: "LOCAL", apiKey: null, baseUrl: null, enabled: localEnabled });
  return configured;
}

function isUrlWithProtocol(value: string, protocols: string[]): boolean {
  try {
    const parsed = new URL(value);
    return protocols.includes(parsed.protocol) && parsed.hostname !== "";
  } catch {
    return false;
  }
}

/** Never echo a password from a connection string into logs. */
function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, "//$1:***@");
}
