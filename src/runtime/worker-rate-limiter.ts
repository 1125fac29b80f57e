/**
 * The Worker's RateLimiter: every budget lives in a RateLimitObject (worker-rate-limit-object.ts), one
 * object per key, so all isolates, in every location, count against one number. The same interface as
 * the in-memory limiter; the decision is the same function (src/http/gcra.ts).
 *
 * Two things stay in the isolate:
 * - A refusal is remembered for up to a second (never past the moment the key may go again). A client
 *   that floods then costs its object one call per isolate and second instead of one per request, and the
 *   answer is the one the object would give, unless another isolate resets the key in that second.
 * - When the object cannot be reached (overloaded, or the runtime failing), this isolate counts alone
 *   with an in-memory limiter and logs it, rather than failing the request.
 */
import type { Clock, Logger, RateDecision, RateLimiter, RatePolicy } from "../deps.ts";
import { createMemoryRateLimiter } from "../http/rate-limit.ts";

const REFUSAL_MEMORY_MS = 1000;
const MAX_REMEMBERED = 10_000;

type Refusal = { policy: string; until: number; allowAt: number; tat: number };

/** What a RateLimitObject's stub offers (declared here so that Bun-side tests can drive the same client). */
export interface RateLimitObjectRpc {
  take(key: string, policy: RatePolicy, now: number): Promise<RateDecision>;
  peek(key: string, policy: RatePolicy, now: number): Promise<RateDecision>;
  reset(key: string): Promise<void>;
}

/** `objectOf(key)` is the stub of the key's object (the Worker: `namespace.get(namespace.idFromName(key))`). */
export function createDurableRateLimiter(
  objectOf: (key: string) => RateLimitObjectRpc,
  clock: Clock,
  logger: Logger,
): RateLimiter {
  const refused = new Map<string, Refusal>();
  const fallback = createMemoryRateLimiter(clock);
  const policyOf = ({ limit, windowMs }: RatePolicy) => `${limit}/${windowMs}`;

  /** The refusal the object gave for `key` a moment ago, brought to `now`. */
  const remembered = (key: string, policy: RatePolicy, now: number): RateDecision | undefined => {
    const r = refused.get(key);
    if (!r || r.policy !== policyOf(policy) || now >= r.until) return undefined;
    return { allowed: false, remaining: 0, retryAfterMs: r.allowAt - now, resetMs: r.tat - now };
  };

  const remember = (key: string, policy: RatePolicy, now: number, decision: RateDecision) => {
    if (decision.allowed) return;
    const allowAt = now + decision.retryAfterMs;
    refused.delete(key);
    if (refused.size >= MAX_REMEMBERED) refused.delete(refused.keys().next().value as string);
    refused.set(key, {
      policy: policyOf(policy),
      until: Math.min(allowAt, now + REFUSAL_MEMORY_MS),
      allowAt,
      tat: now + decision.resetMs,
    });
  };

  const ask = async (op: "take" | "peek", key: string, policy: RatePolicy): Promise<RateDecision> => {
    const now = clock.now().getTime();
    const known = remembered(key, policy, now);
    if (known) return known;
    let decision: RateDecision;
    try {
      decision = await objectOf(key)[op](key, policy, now);
    } catch (err) {
      logger.log("warn", {
        msg: "rate-limit object unreachable; counting in this isolate",
        err: String(err),
      });
      return fallback[op](key, policy);
    }
    remember(key, policy, now, decision);
    return decision;
  };

  return {
    take: (key, policy) => ask("take", key, policy),
    peek: (key, policy) => ask("peek", key, policy),
    async reset(key) {
      refused.delete(key);
      await fallback.reset(key);
      await objectOf(key).reset(key);
    },
  };
}
