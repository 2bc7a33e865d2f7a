import pino, { type Logger } from "pino";

/** Paths whose values never reach the logs: gateway keys, provider keys, secrets. */
export const REDACTED_PATHS = [
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "headers.authorization",
  'headers["x-api-key"]',
  "authorization",
  "apiKey",
  "secret",
  "*.authorization",
  "*.apiKey",
  "*.secret",
  "*.adminKey",
  "*.secretKey",
];

export function createLogger(options: { level: string; development: boolean }): Logger {
  return pino({
    level: options.level,
    base: { service: "switchyard" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
