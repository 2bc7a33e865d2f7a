import type { Redis } from "ioredis";
import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { AppError } from "../../core/model/errors.js";

/** The window of both limits (SPEC §4: requests and tokens per minute). */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/** What a key's limits say; null = unlimited. */
export interface KeyLimits {
  keyId: string;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
}

/** An admitted request's handle: charge its tokens when it ends, or undo its request count when it is refused later. */
export interface RateLimitPass {
  chargeTokens(tokens: number): Promise<void>;
  refund(): Promise<void>;
}

const NO_PASS: RateLimitPass = { chargeTokens: async () => {}, refund: async () => {} };

/**
 * Requests and tokens per minute per key on Redis (REDIS_URL), in fixed one-minute windows shared by
 * every instance, with rate-limiter-flexible. RPM is consumed at admission; TPM is checked at
 * admission against the tokens the window already holds and charged at settlement (input + output),
 * because a request's token count is only known when it ends. Without Redis the same windows live in
 * the `rate_limits` table (admission-statement.ts, rate-limit-leases.ts).
 */
export class RateLimits {
  /** One limiter per (kind, points): rate-limiter-flexible fixes `points` per instance. */
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(private readonly redis: Redis) {}

  /** Throws AppError RATE_LIMITED (with retryAfterMs) when either limit is reached. */
  async admit(limits: KeyLimits): Promise<RateLimitPass> {
    const rpm = limits.requestsPerMinute;
    const tpm = limits.tokensPerMinute;
    if (rpm === null && tpm === null) return NO_PASS;
    const requests = rpm === null ? null : this.limiter("rpm", rpm);
    const tokens = tpm === null ? null : this.limiter("tpm", tpm);
    const [requestResult, tokenResult] = await Promise.allSettled([
      requests ? requests.consume(limits.keyId, 1) : Promise.resolve(null),
      tokens ? tokens.get(limits.keyId) : Promise.resolve(null),
    ]);
    if (requestResult.status === "rejected") throw rejection(requestResult.reason, "requests per minute", rpm);
    if (tokenResult.status === "rejected") {
      if (requests) await requests.reward(limits.keyId, 1).catch(() => undefined);
      throw tokenResult.reason;
    }
    const window = tokenResult.value;
    if (tokens && tpm !== null && window && window.consumedPoints >= tpm) {
      if (requests) await requests.reward(limits.keyId, 1).catch(() => undefined);
      throw limited("tokens per minute", tpm, window.msBeforeNext);
    }
    return {
      chargeTokens: async (count) => {
        if (tokens && count > 0) await tokens.penalty(limits.keyId, Math.ceil(count));
      },
      refund: async () => {
        if (requests) await requests.reward(limits.keyId, 1);
      },
    };
  }

  private limiter(kind: "rpm" | "tpm", points: number): RateLimiterAbstract {
    const id = `${kind}:${points}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      // The key prefix leaves out `points`: changing a key's limit keeps its current window.
      const options = { keyPrefix: `sy:${kind}`, points, duration: RATE_LIMIT_WINDOW_SECONDS };
      limiter = new RateLimiterRedis({ ...options, storeClient: this.redis });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

export function limited(what: string, limit: number | null, msBeforeNext: number): AppError {
  const retryAfterMs = Math.max(1, Math.ceil(msBeforeNext));
  return new AppError("RATE_LIMITED", `Rate limit reached: ${limit} ${what}. Retry in ${Math.ceil(retryAfterMs / 1000)} s.`, {
    retryAfterMs,
    details: { retryAfter: Math.ceil(retryAfterMs / 1000) },
  });
}

/** rate-limiter-flexible rejects with a RateLimiterRes when over the limit, with an Error when the store fails. */
function rejection(reason: unknown, what: string, limit: number | null): unknown {
  return reason instanceof RateLimiterRes ? limited(what, limit, reason.msBeforeNext) : reason;
}
